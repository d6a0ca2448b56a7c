"""Check the services the project needs, and say plainly what to do when one is missing.

    python scripts/services.py check [--tests]   PostgreSQL (creating the database) and Redis
    python scripts/services.py redis-answers     exit 0 when REDIS_URL answers PING
    python scripts/services.py redis-port        the port of REDIS_URL (for a private server)

Runs before Django is configured, so it reads the same variables (and .env) itself.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dotenv import load_dotenv  # noqa: E402

from easy_islanders.env import env_database, env_redis_url  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/easy_islanders"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2) as s:
            s.sendall(b"PING\r\n")
            reply = s.recv(64)
    except OSError:
        return False
    # An unauthenticated server answers +PONG; one with a password answers -NOAUTH: both live.
    return reply.startswith((b"+PONG", b"-NOAUTH"))


def check_postgres(tests: bool) -> str | None:
    import psycopg

    db = env_database("DATABASE_URL", DEFAULT_DATABASE_URL)
    conninfo = psycopg.conninfo.make_conninfo(
        host=str(db["HOST"]),
        port=str(db["PORT"] or 5432),
        user=str(db["USER"]),
        password=str(db["PASSWORD"]),
        dbname="postgres",
        connect_timeout=3,
    )
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            if tests:
                return None  # the test runner creates its own test_ database
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
                print(f"created PostgreSQL database {db['NAME']}")
    except psycopg.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT'] or 5432} ({first_line}).\n"
            "  Install and start it (Debian: apt-get install postgresql), or point DATABASE_URL\n"
            "  at a server you can use, e.g. postgres://user:password@host:5432/easy_islanders"
        )
    return None


def check_redis() -> str | None:
    url = env_redis_url("REDIS_URL", DEFAULT_REDIS_URL)
    if redis_answers(url):
        return None
    parts = urlsplit(url)
    return (
        f"Redis is not answering at {parts.hostname}:{parts.port or 6379}.\n"
        "  Install and start it (Debian: apt-get install redis-server), or point REDIS_URL at a\n"
        "  server you can use. `make run` starts a private redis-server when the binary exists."
    )


def main(argv: list[str]) -> int:
    load_dotenv(ROOT / ".env", override=False)
    command = argv[0] if argv else "check"
    if command == "redis-answers":
        return 0 if redis_answers(env_redis_url("REDIS_URL", DEFAULT_REDIS_URL)) else 1
    if command == "redis-port":
        print(urlsplit(env_redis_url("REDIS_URL", DEFAULT_REDIS_URL)).port or 6379)
        return 0
    problems = [p for p in (check_postgres("--tests" in argv), check_redis()) if p]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
