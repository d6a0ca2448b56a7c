"""Watching Redis from a web process: when it fails, sockets are closed so clients resume.

Frames published while Redis is away are lost (the channel layer is a doorbell), and a socket
that stays open would never learn of them. So after two failed pings in a row every chat
socket of the process is closed with 1011; clients reconnect with `last_seq` and catch up
from PostgreSQL once Redis is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from easy_islanders.redis import async_redis_client

logger = logging.getLogger(__name__)

PING_EVERY_SECS = 1.0
FAILURES_TO_ACT = 2

_watch: asyncio.Task[None] | None = None


def ensure_redis_watch(on_lost: Callable[[], Awaitable[None]]) -> None:
    """Start the process's watch on the running loop (once)."""
    global _watch
    if _watch is None or _watch.done():
        _watch = asyncio.get_running_loop().create_task(_watch_redis(on_lost))


async def _watch_redis(on_lost: Callable[[], Awaitable[None]]) -> None:
    failures = 0
    while True:
        await asyncio.sleep(PING_EVERY_SECS)
        try:
            await asyncio.wait_for(async_redis_client().ping(), PING_EVERY_SECS)
            failures = 0
        except Exception as exc:
            failures += 1
            if failures == FAILURES_TO_ACT:
                logger.error("redis_lost_closing_sockets", extra={"error": type(exc).__name__})
                await on_lost()
