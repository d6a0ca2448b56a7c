"""chat_claim() commits without waiting for its WAL flush (synchronous_commit off for the
claim's transaction only: a claim lost in a crash is redone by the sweep).

That change to chat/sql/turns.sql came after 0005 and without a migration: databases migrated
before it kept the old chat_claim, fresh ones got the new one from 0005. This migration
applies its own frozen copy, sql/0007_turns.sql (chat_finish is unchanged in it); its reverse
puts back 0005's functions (sql/0005_turns.sql). The signatures are the same, so CREATE OR
REPLACE does both ways.
"""

from pathlib import Path

from django.db import migrations

HERE = Path(__file__).resolve().parent
SQL = (HERE / "sql" / "0007_turns.sql").read_text()
PREVIOUS_SQL = (HERE / "sql" / "0005_turns.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("chat", "0006_accept_titles_thread")]

    operations = [
        # In a list, each file goes to PostgreSQL as written (a string is re-split by sqlparse).
        migrations.RunSQL([SQL], reverse_sql=[PREVIOUS_SQL]),
    ]
