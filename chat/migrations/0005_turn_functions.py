"""chat_claim() and chat_finish(): a turn's claim and finish in one round trip each, as first
written.

This migration applies its own copy of the functions, sql/0005_turns.sql, frozen as it was
when the migration was written; chat/sql/turns.sql is the current version (0007 brings a
database up to it).
"""

from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent / "sql" / "0005_turns.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("chat", "0004_accept_function")]

    operations = [
        # In a list, the file goes to PostgreSQL as written (a string is re-split by sqlparse).
        migrations.RunSQL(
            [SQL],
            # There was neither function before this migration.
            reverse_sql=[
                "DROP FUNCTION IF EXISTS chat_claim(uuid, text, integer);",
                "DROP FUNCTION IF EXISTS chat_finish(uuid, text, text, text, text, jsonb, "
                "timestamptz);",
            ],
        )
    ]
