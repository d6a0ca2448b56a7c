"""chat_accept() titles an untitled thread from the message (chat/sql/accept.sql, p_title)."""

from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "accept.sql").read_text()
OLD = "chat_accept(integer, uuid, uuid, boolean, text, text, jsonb)"
NEW = "chat_accept(integer, uuid, uuid, boolean, text, text, jsonb, text)"


class Migration(migrations.Migration):
    dependencies = [("chat", "0005_turn_functions")]

    operations = [
        # A new parameter is a new function to PostgreSQL: the old one goes.
        migrations.RunSQL(
            f"DROP FUNCTION IF EXISTS {OLD};\n{SQL}",
            reverse_sql=f"DROP FUNCTION IF EXISTS {NEW};",
        )
    ]
