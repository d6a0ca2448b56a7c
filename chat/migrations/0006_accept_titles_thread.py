"""chat_accept() titles an untitled thread from the message (a new parameter, p_title).

This migration applies its own frozen copy, sql/0006_accept.sql; its reverse puts back the
function 0004 created (sql/0004_accept.sql), so a database migrated back to 0005 has exactly
what 0005 left.
"""

from pathlib import Path

from django.db import migrations

HERE = Path(__file__).resolve().parent
SQL = (HERE / "sql" / "0006_accept.sql").read_text()
PREVIOUS_SQL = (HERE / "sql" / "0004_accept.sql").read_text()
OLD = "chat_accept(integer, uuid, uuid, boolean, text, text, jsonb)"
NEW = "chat_accept(integer, uuid, uuid, boolean, text, text, jsonb, text)"


class Migration(migrations.Migration):
    dependencies = [("chat", "0005_turn_functions")]

    operations = [
        # A new parameter is a new function to PostgreSQL: the old one goes, both ways.
        # In a list, each file goes to PostgreSQL as written (a string is re-split by sqlparse).
        migrations.RunSQL(
            [f"DROP FUNCTION IF EXISTS {OLD};", SQL],
            reverse_sql=[f"DROP FUNCTION IF EXISTS {NEW};", PREVIOUS_SQL],
        )
    ]
