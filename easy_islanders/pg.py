"""PostgreSQL for the chat's hot path: one asyncio connection pool per event loop.

Django's ORM serves the edges on threads; the socket hub and the accept path run on the event
loop and speak hand-written SQL through this pool, so they never hop to a thread. Statements
are prepared on the server from their first use (`prepare_threshold=0`): the hot path runs the
same few statements all day.
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.conf import settings
from psycopg import AsyncConnection
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool

POOL_MAX_SIZE = 8
POOL_TIMEOUT_SECS = 10.0

_pools: dict[asyncio.AbstractEventLoop, AsyncConnectionPool[Any]] = {}


def conninfo() -> str:
    """Django's database settings as a libpq connection string (UTC, the statement timeout)."""
    db: dict[str, Any] = settings.DATABASES["default"]
    options: dict[str, Any] = db.get("OPTIONS", {})
    return make_conninfo(
        dbname=str(db["NAME"]),
        user=str(db.get("USER") or "") or None,
        password=str(db.get("PASSWORD") or "") or None,
        host=str(db.get("HOST") or "") or None,
        port=str(db.get("PORT") or "") or None,
        options=f"{options.get('options', '')} -c TimeZone=UTC".strip(),
        application_name="easy_islanders_hot_path",
    )


async def _configure(connection: AsyncConnection[Any]) -> None:
    connection.prepare_threshold = 0
    await connection.set_autocommit(True)


async def pool() -> AsyncConnectionPool[Any]:
    """The running loop's pool, opened on first use (an unreachable database is not an error
    until a statement needs it)."""
    loop = asyncio.get_running_loop()
    existing = _pools.get(loop)
    if existing is not None:
        return existing
    created = AsyncConnectionPool(
        conninfo(),
        min_size=1,
        max_size=POOL_MAX_SIZE,
        timeout=POOL_TIMEOUT_SECS,
        configure=_configure,
        open=False,
    )
    _pools[loop] = created
    await created.open(wait=False)
    return created


async def pool_close() -> None:
    """Close the running loop's pool, if it made one (before the loop itself ends)."""
    existing = _pools.pop(asyncio.get_running_loop(), None)
    if existing is not None:
        await existing.close()
