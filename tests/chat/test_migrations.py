"""The migrations on a database of their own: forward one chat migration at a time, back the
same way, every app to zero, and forward again, each step a `manage.py migrate` subprocess.

Each chat migration that defines functions applies the SQL it was written with, its frozen
copy chat/migrations/sql/NNNN_<name>.sql (NNNN: the migration's number), and its reverse puts
back what was there before it. chat/sql/<name>.sql is the current SQL, which the code and the
docs point at: the newest frozen copy of each must define the same functions, or a change to
chat/sql/ has no migration to bring existing databases up to it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[2]
CURRENT_SQL = ROOT / "chat" / "sql"
MIGRATIONS = ROOT / "chat" / "migrations"
FROZEN_SQL = MIGRATIONS / "sql"

CREATE_FUNCTION = re.compile(
    r"CREATE OR REPLACE FUNCTION (\w+)\((.*?)\) LANGUAGE plpgsql AS \$\$(.*?)\$\$;", re.DOTALL
)
FROZEN_NAME = re.compile(r"(\d{4})_(\w+)\.sql")
# The hot path's calls: chat_accept(...) with 8 arguments, chat_claim(...) 3, chat_finish(...) 7.
HOT_PATH_ARGUMENTS = {"chat_accept": 8, "chat_claim": 3, "chat_finish": 7}


class Function(NamedTuple):
    """What PostgreSQL keeps of a function: its name, its parameters' names (in and out), how
    many it is called with, and its body, byte for byte."""

    name: str
    parameters: tuple[str, ...]
    arguments: int
    body: str


State = list[Function]  # sorted


def functions_in(text: str) -> State:
    """The functions a SQL file defines (comments outside the bodies never reach the database)."""
    found = []
    for name, parameter_list, body in CREATE_FUNCTION.findall(text):
        parameters = [
            p.split() for p in re.sub(r"--[^\n]*", "", parameter_list).split(",") if p.strip()
        ]
        names = tuple(p[1] if p[0] in {"IN", "OUT", "INOUT"} else p[0] for p in parameters)
        arguments = sum(1 for p in parameters if p[0] != "OUT")
        found.append(Function(name, names, arguments, body))
    assert found, "no CREATE OR REPLACE FUNCTION ... LANGUAGE plpgsql AS $$...$$; found"
    return sorted(found)


def chat_migrations() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def frozen_copies() -> list[tuple[str, str, Path]]:
    """(number, name, path) of each frozen copy, oldest first."""
    copies = []
    for path in sorted(FROZEN_SQL.glob("*.sql")):
        match = FROZEN_NAME.fullmatch(path.name)
        assert match, f"{path.name}: a frozen copy is named NNNN_<name>.sql"
        copies.append((match[1], match[2], path))
    return copies


def expected_after(migration: str) -> State:
    """The chat functions after `migrate chat <migration>`: of each name, its newest frozen copy
    at or before that migration (a later copy of a name replaces the earlier one whole)."""
    newest: dict[str, Path] = {}
    for number, name, path in frozen_copies():
        if number <= migration[:4]:
            newest[name] = path
    return sorted(f for path in newest.values() for f in functions_in(path.read_text()))


def current() -> State:
    return sorted(f for path in CURRENT_SQL.glob("*.sql") for f in functions_in(path.read_text()))


def test_the_newest_frozen_copy_of_each_file_is_the_current_sql() -> None:
    names = sorted(path.stem for path in CURRENT_SQL.glob("*.sql"))
    assert names, "chat/sql/ holds the current SQL"
    migrations = chat_migrations()
    newest: dict[str, Path] = {}
    for number, name, path in frozen_copies():
        newest[name] = path
        # A frozen copy belongs to its migration, which reads it.
        owner = [m for m in migrations if m.startswith(number)]
        assert len(owner) == 1, f"{path.name}: no migration {number}"
        assert path.name in (MIGRATIONS / f"{owner[0]}.py").read_text(), (
            f"migration {owner[0]} does not apply {path.name}"
        )
    assert sorted(newest) == names
    for name in names:
        assert functions_in(newest[name].read_text()) == functions_in(
            (CURRENT_SQL / f"{name}.sql").read_text()
        ), (
            f"chat/sql/{name}.sql changed since {newest[name].name}: a new migration must apply "
            f"a frozen copy of it (chat/migrations/sql/NNNN_{name}.sql)"
        )


@dataclass(frozen=True)
class Database:
    url: str
    conninfo: str

    def migrate(self, *args: str) -> str:
        return self.manage("migrate", *args)

    def manage(self, command: str, *args: str) -> str:
        # No system checks: they import every URL and view, which this test is not about.
        argv = [sys.executable, "manage.py", command, "--skip-checks", *args]
        env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (
            f"{' '.join(argv[1:])} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
        return done.stdout

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            return conn.execute(statement).fetchall()

    def chat_functions(self) -> State:
        rows = self.query(
            "SELECT p.proname, p.proargnames, p.pronargs, p.prosrc FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            r"WHERE n.nspname = 'public' AND p.proname LIKE 'chat\_%'"
        )
        return sorted(
            Function(name, tuple(names), nargs, body) for name, names, nargs, body in rows
        )

    def tables(self) -> list[str]:
        return sorted(
            r[0] for r in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )


@pytest.fixture
def database() -> Iterator[Database]:
    """A fresh, empty database on the test database's server, dropped at the end."""
    default = settings.DATABASES["default"]
    host, port, user, password = (
        str(default.get(key) or "") for key in ("HOST", "PORT", "USER", "PASSWORD")
    )
    given = {"host": host, "port": port, "user": user, "password": password}
    server = {key: value for key, value in given.items() if value}
    name = f"test_migrations_{uuid.uuid4().hex[:12]}"
    maintenance = make_conninfo(**server, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    url = f"postgres://{credentials}@{host}{f':{port}' if port else ''}/{name}"
    try:
        yield Database(url, make_conninfo(**server, dbname=name))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def signatures(state: State) -> list[str]:
    return [f"{f.name}({', '.join(f.parameters[: f.arguments])})" for f in state]


def assert_state(db: Database, expected: State, after: str) -> None:
    functions = db.chat_functions()
    # The signatures first, which read well when they differ; then the bodies too.
    assert signatures(functions) == signatures(expected), f"after {after}"
    for found, wanted in zip(functions, expected, strict=True):
        assert found.parameters == wanted.parameters, f"{found.name} after {after}"
        assert found.body == wanted.body, f"{found.name}'s body after {after}"


def assert_current(db: Database, after: str) -> None:
    assert_state(db, current(), after)
    functions = db.chat_functions()
    assert {f.name: f.arguments for f in functions} == HOT_PATH_ARGUMENTS, after


def test_migrations_go_forward_back_to_zero_and_forward_again(database: Database) -> None:
    db = database
    migrations = chat_migrations()

    # Forward, one chat migration at a time: each leaves its own functions.
    for migration in migrations:
        db.migrate("chat", migration)
        assert_state(db, expected_after(migration), f"chat {migration}")
        if migration.startswith("0004"):
            # 0004's own chat_accept, the one without p_title, not today's.
            (accept,) = db.chat_functions()
            assert (accept.name, accept.arguments) == ("chat_accept", 7)
            assert "p_title" not in accept.parameters

    # The latest of every app: today's functions, as the hot path calls them.
    db.migrate()
    assert_current(db, "migrate")

    # Back, one chat migration at a time: each reverse puts back what was there before.
    for migration in reversed(migrations[:-1]):
        db.migrate("chat", migration)
        assert_state(db, expected_after(migration), f"back to chat {migration}")

    # Every app to zero, the apps that come last in the plan first.
    plan = re.findall(r"^\[X\]\s+(\w+)\.\w+$", db.manage("showmigrations", "--plan"), re.M)
    apps = list(dict.fromkeys(plan))
    assert "chat" in apps, plan
    for app in reversed(apps):
        db.migrate(app, "zero")
    assert db.chat_functions() == [], "a chat function outlived migrate zero"
    assert db.tables() == ["django_migrations"], "a table outlived migrate zero"
    assert db.query("SELECT app, name FROM django_migrations") == []

    # And forward again, all at once.
    db.migrate()
    assert_current(db, "migrate after zero")
