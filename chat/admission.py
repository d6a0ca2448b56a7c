"""Whether a message may come in now: the sender's rate, and the backlog (CHAT_MAX_BACKLOG).

Past capacity a new turn would only wait in the queue until its deadline and then fail; it is
refused at once instead (503 `overloaded`, with Retry-After), so throughput stays at the
workers' maximum and latency grows by queueing, not by thrashing. Both are read in one Redis
round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis.exceptions
from django.conf import settings

from chat.errors import Overloaded
from easy_islanders.redis import async_redis_client, redis_client

OVERLOADED_MESSAGE = "The chat is busy right now. Try again in a few seconds."
# kombu's Redis transport keeps a queue's messages in one list per priority step.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


_PERIOD_SECS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """DRF's notation, "60/min" → (60, 60): messages allowed per window, the window in seconds.
    The window is fixed (one counter per sender and window): one round trip, no history."""
    count, period = rate.split("/")
    return int(count), _PERIOD_SECS[period[0]]


class AdmissionUnavailable(Exception):
    """Redis did not answer: neither the rate nor the backlog can be read."""


@dataclass(frozen=True)
class Admission:
    throttled_for_secs: int | None  # the sender is over its rate: seconds until it is not
    backlog: int

    @property
    def overloaded(self) -> bool:
        return self.backlog >= settings.CHAT_MAX_BACKLOG


def backlog_keys() -> list[str]:
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return [queue + suffix for suffix in PRIORITY_SUFFIXES]


async def admission_async(user_id: int) -> Admission:
    """Count this message against the sender's rate and read the backlog (from the loop)."""
    allowed, window = parse_rate(settings.CHAT_SEND_RATE)
    key = f"ei:rate:chat_send:{user_id}"
    try:
        async with async_redis_client().pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
            pipe.ttl(key)
            for queue in backlog_keys():
                pipe.llen(queue)
            count, _, ttl, *depths = await pipe.execute()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
        raise AdmissionUnavailable(type(exc).__name__) from exc
    throttled = max(int(ttl), 1) if count > allowed else None
    return Admission(throttled_for_secs=throttled, backlog=sum(int(d) for d in depths))


def backlog() -> int:
    """Turns waiting in the broker queue (from a thread). Raises redis errors."""
    with redis_client().pipeline(transaction=False) as pipe:
        for queue in backlog_keys():
            pipe.llen(queue)
        return sum(int(depth) for depth in pipe.execute())


def admission_check_backlog() -> None:
    """Raise Overloaded past CHAT_MAX_BACKLOG (from a thread; the DRF view)."""
    if backlog() >= settings.CHAT_MAX_BACKLOG:
        raise Overloaded(OVERLOADED_MESSAGE)
