"""PostgreSQL for the chat's hot path: one asyncio connection pool per event loop.

Django's ORM serves the edges on threads; the socket hub, the accept path and the worker's
turns run on an event loop and speak hand-written SQL through this pool, so they never hop to
a thread. Statements are prepared on the server from their first use (`prepare_threshold=0`):
the hot path runs the same few statements all day.

Every statement goes through `fetch_one` / `fetch_all`, which bound it in time and survive a
PostgreSQL restart: a connection the server closed (a restart, a failover, a crash) is
replaced and the statement run again; a connection that stops answering (a lost route keeps a
TCP connection open but silent, and the kernel still acknowledges what we send to a stuck
peer) is given up after DB_TIMEOUT_SECS. What cannot be done in time raises
DatabaseUnavailable, which the HTTP edge answers 503 and the worker retries.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import psycopg
from django.conf import settings
from psycopg import AsyncConnection, AsyncCursor
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool

from observability.metrics import DB_ERRORS, DB_POOL_WAIT, DB_RETRIES

logger = logging.getLogger(__name__)
T = TypeVar("T")

POOL_MAX_SIZE = 8
RETRY_BACKOFF_SECS = (0.05, 0.2, 0.5, 1.0)  # then 1 s apart, with jitter
DRAIN_INTERVAL_SECS = 1.0


class DatabaseUnavailable(ConnectionError):
    """PostgreSQL could not run the statement in time: down, restarting, or out of reach."""


_pools: dict[asyncio.AbstractEventLoop, AsyncConnectionPool[Any]] = {}
_drained_at: dict[asyncio.AbstractEventLoop, float] = {}


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
        # A server that is gone is noticed by the kernel, not only when a statement times out.
        connect_timeout=max(1, round(settings.DB_TIMEOUT_SECS)),
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=2,
        tcp_user_timeout=int(settings.DB_TIMEOUT_SECS * 1000),
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
        timeout=settings.DB_TIMEOUT_SECS,
        configure=_configure,
        open=False,
    )
    _pools[loop] = created
    await created.open(wait=False)
    return created


async def _replace_connections() -> None:
    """Whatever broke one connection broke the others too (a restart closes them all; a lost
    route silences them all): the pool closes its idle ones and opens new ones in the
    background, and closes those in use when they come back. Once a second at most."""
    loop = asyncio.get_running_loop()
    now = time.monotonic()
    if now - _drained_at.get(loop, 0.0) >= DRAIN_INTERVAL_SECS:
        _drained_at[loop] = now
        await (await pool()).drain()


async def pool_close() -> None:
    """Close the running loop's pool, if it made one (before the loop itself ends)."""
    _drained_at.pop(asyncio.get_running_loop(), None)
    existing = _pools.pop(asyncio.get_running_loop(), None)
    if existing is not None:
        await existing.close()


async def fetch_one(
    sql: str,
    params: Sequence[Any],
    *,
    again: Sequence[Any] | None = None,
    within: float | None = None,
) -> Any:
    """The statement's first row. `again`: the parameters for a second run, when a first run
    that may have committed must not store twice; `within`: seconds to keep trying (default
    one DB_TIMEOUT_SECS). Raises DatabaseUnavailable."""
    return await _with_retries(sql, params, again, within, _first_row)


async def fetch_all(sql: str, params: Sequence[Any], *, within: float | None = None) -> list[Any]:
    """The statement's rows, as `fetch_one` runs it."""
    return await _with_retries(sql, params, None, within, _all_rows)


async def _first_row(cursor: AsyncCursor[Any]) -> Any:
    return await cursor.fetchone()


async def _all_rows(cursor: AsyncCursor[Any]) -> list[Any]:
    return await cursor.fetchall()


async def _with_retries(
    sql: str,
    params: Sequence[Any],
    again: Sequence[Any] | None,
    within: float | None,
    read: Callable[[AsyncCursor[Any]], Awaitable[T]],
) -> T:
    timeout = settings.DB_TIMEOUT_SECS
    give_up_at = time.monotonic() + (timeout if within is None else max(within, 0.0))
    attempt = 0
    while True:
        attempt += 1
        left = give_up_at - time.monotonic()
        run = asyncio.ensure_future(
            _run(sql, params if attempt == 1 or again is None else again, read)
        )
        try:
            # Shielded: psycopg answers a cancelled statement by asking the server to cancel
            # it and waiting for it, which on a silent network is the very hang to escape.
            # The statement is left to end on its own (its connection is closed on return).
            return await asyncio.wait_for(asyncio.shield(run), min(timeout, max(left, 0.001)))
        except (psycopg.OperationalError, TimeoutError) as exc:
            if not run.done():  # given up on, still waiting on its connection
                run.add_done_callback(_abandoned)
            # Connection-level failures only: a statement's own errors (constraints, syntax)
            # are psycopg.Error subclasses other than OperationalError and are raised as they are.
            error = type(exc).__name__
            DB_ERRORS.labels(error).inc()
            pause = RETRY_BACKOFF_SECS[min(attempt, len(RETRY_BACKOFF_SECS)) - 1]
            pause *= random.uniform(0.5, 1.0)
            if time.monotonic() + pause >= give_up_at:
                logger.warning("db_unavailable", extra={"error": error, "attempts": attempt})
                raise DatabaseUnavailable(error) from None
            await _replace_connections()
            DB_RETRIES.inc()
            await asyncio.sleep(pause)


def _abandoned(run: asyncio.Future[Any]) -> None:
    """How a statement given up on ended, once it did (its error retrieved, not left unread)."""
    if not run.cancelled() and run.exception() is not None:
        logger.info("db_abandoned_statement_ended", extra={"error": type(run.exception()).__name__})


async def _run(
    sql: str, params: Sequence[Any], read: Callable[[AsyncCursor[Any]], Awaitable[T]]
) -> T:
    asked = time.perf_counter()
    async with (await pool()).connection() as conn:
        DB_POOL_WAIT.observe(time.perf_counter() - asked)
        return await read(await conn.execute(sql, params))
