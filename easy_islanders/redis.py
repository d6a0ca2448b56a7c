"""Redis clients: one synchronous client per process, one asyncio client per event loop."""

from __future__ import annotations

import asyncio
from functools import cache

import redis
import redis.asyncio
from django.conf import settings

_async_clients: dict[asyncio.AbstractEventLoop, redis.asyncio.Redis] = {}


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2, decode_responses=True
    )


def async_redis_client() -> redis.asyncio.Redis:
    """The running loop's client (an asyncio client cannot be shared across loops)."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = _async_clients[loop] = redis.asyncio.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2, decode_responses=True
        )
    return client


async def async_redis_close() -> None:
    """Close the running loop's client, if it made one (before the loop itself ends)."""
    client = _async_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
