"""Redis clients: one synchronous client per process, one asyncio client per event loop.

Both draw on a blocking pool: past POOL_MAX_CONNECTIONS commands in flight at once, the next
waits up to POOL_WAIT_SECS for a connection to come back instead of failing (redis-py's plain
pool raises MaxConnectionsError past 100, which turned a burst of a few hundred accepts or
socket opens into 503s). A wait that runs out is a ConnectionError, as Redis being down is.
"""

from __future__ import annotations

import asyncio
from functools import cache

import redis
import redis.asyncio
from django.conf import settings

from easy_islanders.per_loop import PerLoop

POOL_MAX_CONNECTIONS = 512
POOL_WAIT_SECS = 2.0
_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2, "decode_responses": True}


def _async_client(_: asyncio.AbstractEventLoop) -> redis.asyncio.Redis:
    pool = redis.asyncio.BlockingConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=POOL_MAX_CONNECTIONS,
        timeout=POOL_WAIT_SECS,
        **_OPTIONS,
    )
    return redis.asyncio.Redis(connection_pool=pool)


_async_clients = PerLoop(_async_client)


@cache
def redis_client() -> redis.Redis:
    pool = redis.BlockingConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=POOL_MAX_CONNECTIONS,
        timeout=POOL_WAIT_SECS,
        **_OPTIONS,
    )
    return redis.Redis(connection_pool=pool)


def async_redis_client() -> redis.asyncio.Redis:
    """The running loop's client (an asyncio client cannot be shared across loops)."""
    return _async_clients.get()


async def async_redis_close() -> None:
    """Close the running loop's client, if it made one (before the loop itself ends)."""
    client = _async_clients.pop()
    if client is not None:
        await client.aclose(close_connection_pool=True)
