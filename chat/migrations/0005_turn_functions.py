"""chat_claim() and chat_finish(): a turn's claim and finish in one round trip each
(chat/sql/turns.sql)."""

from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "turns.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("chat", "0004_accept_function")]

    operations = [
        migrations.RunSQL(
            SQL,
            reverse_sql="DROP FUNCTION IF EXISTS chat_claim(uuid, text, integer); "
            "DROP FUNCTION IF EXISTS chat_finish(uuid, text, text, text, text, jsonb, "
            "timestamptz);",
        )
    ]
