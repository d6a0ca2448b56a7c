"""chat_accept(): the message accept in one round trip (chat/sql/accept.sql)."""

from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "accept.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("chat", "0003_correlation_indexes")]

    operations = [
        migrations.RunSQL(
            SQL,
            reverse_sql="DROP FUNCTION IF EXISTS chat_accept(integer, uuid, uuid, boolean, text, "
            "text, jsonb);",
        )
    ]
