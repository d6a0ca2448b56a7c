"""chat_accept(): the message accept in one round trip, as first written (seven parameters).

This migration applies its own copy of the function, sql/0004_accept.sql, frozen as it was
when the migration was written. chat/sql/accept.sql is the current function and moves on: read
at migration time, it would give a fresh database today's function here already, and this
migration's reverse would name a signature that no longer exists.
"""

from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent / "sql" / "0004_accept.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("chat", "0003_correlation_indexes")]

    operations = [
        # In a list, the file goes to PostgreSQL as written: a string would be split into
        # statements and stripped of its comments by sqlparse first.
        migrations.RunSQL(
            [SQL],
            # There was no chat_accept before this migration.
            reverse_sql=[
                "DROP FUNCTION IF EXISTS chat_accept(integer, uuid, uuid, boolean, text, text, "
                "jsonb);"
            ],
        )
    ]
