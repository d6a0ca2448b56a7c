"""Rate limits on the event loop: a fixed-window counter per key in Redis, one round trip.

Used where DRF's throttles cannot run (the accept path on the loop); the rates are DRF's
notation ("60/min") and the same settings.
"""

from __future__ import annotations

import redis.exceptions

from easy_islanders.redis import async_redis_client

_PERIOD_SECS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimitUnavailable(Exception):
    """Redis did not answer: the caller cannot tell whether the limit was reached."""


def parse_rate(rate: str) -> tuple[int, int]:
    """ "60/min" → (60, 60): requests allowed per window, and the window in seconds."""
    count, period = rate.split("/")
    return int(count), _PERIOD_SECS[period[0]]


async def rate_limit_wait(key: str, rate: str) -> int | None:
    """Count one request against `key`; None if allowed, else seconds until it would be."""
    allowed, window = parse_rate(rate)
    name = f"ei:rate:{key}"
    try:
        async with async_redis_client().pipeline(transaction=False) as pipe:
            pipe.incr(name)
            pipe.expire(name, window, nx=True)
            pipe.ttl(name)
            count, _, ttl = await pipe.execute()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
        raise RateLimitUnavailable(type(exc).__name__) from exc
    if count <= allowed:
        return None
    return max(int(ttl), 1)
