"""Whether a message may come in now: the sender's rate (CHAT_SEND_RATE), and the broker's
backlog: how long its oldest turn has waited (CHAT_MAX_QUEUE_WAIT_SECS) and how many wait
(CHAT_MAX_BACKLOG). The one limiter of both HTTP accept paths (the event loop's and the DRF
view's): the same key, the same fixed window, the same answers.

Past capacity a new turn would only wait in the queue until its deadline and then fail; it is
refused at once instead (503 `overloaded`, with Retry-After), so the accepted turns are served
at the workers' full rate and latency grows by queueing, not by thrashing. Workers take turns
off the queue while they have room for them (WORKER_CONCURRENCY each), so a turn waits there
only once every worker is full; the wait, not the count, says when that is too long, whatever
a turn costs (a thousand waiting instant turns clear in seconds, a thousand 30 s streams
would not). All is read in one Redis round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson
import redis.exceptions
from django.conf import settings

from chat.errors import Overloaded, Throttled
from easy_islanders.errors import ServiceUnavailable
from easy_islanders.redis import async_redis_client, redis_client

# kombu's Redis transport keeps a queue's messages in one list per priority step.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
_PERIOD_SECS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
# The task header that says when a turn went onto the queue (epoch seconds).
ENQUEUED_AT_HEADER = "chat_enqueued_at"


def parse_rate(rate: str) -> tuple[int, int]:
    """DRF's notation, "60/min" → (60, 60): messages allowed per window, the window in seconds.
    The window is fixed (one counter per sender and window): one round trip, no history."""
    count, period = rate.split("/")
    return int(count), _PERIOD_SECS[period[0]]


@dataclass(frozen=True)
class Admission:
    throttled_for_secs: int | None  # the sender is over its rate: seconds until it is not
    backlog: int
    oldest_wait_secs: float = 0.0  # how long the turn next off the queue has waited

    def enforce(self) -> None:
        """Raise Throttled, then Overloaded, when the message may not come in."""
        if self.throttled_for_secs is not None:
            raise Throttled(self.throttled_for_secs)
        if (
            self.backlog >= settings.CHAT_MAX_BACKLOG
            or self.oldest_wait_secs >= settings.CHAT_MAX_QUEUE_WAIT_SECS
        ):
            raise Overloaded()


def backlog_keys() -> list[str]:
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return [queue + suffix for suffix in PRIORITY_SUFFIXES]


async def admission_async(user_id: int) -> Admission:
    """Count this message against the sender's rate and read the backlog (from the loop).
    Raises ServiceUnavailable when Redis does not answer."""
    try:
        async with async_redis_client().pipeline(transaction=False) as pipe:
            allowed = _queue_reads(pipe, user_id)
            return _admission(await pipe.execute(), allowed)
    except _REDIS_DOWN as exc:
        raise ServiceUnavailable() from exc


def admission(user_id: int) -> Admission:
    """`admission_async` from a thread (the DRF view)."""
    try:
        with redis_client().pipeline(transaction=False) as pipe:
            allowed = _queue_reads(pipe, user_id)
            return _admission(pipe.execute(), allowed)
    except _REDIS_DOWN as exc:
        raise ServiceUnavailable() from exc


def backlog() -> int:
    """Turns waiting in the broker queue, all priorities (from a thread). Raises redis errors."""
    with redis_client().pipeline(transaction=False) as pipe:
        for queue in backlog_keys():
            pipe.llen(queue)
        return sum(int(depth) for depth in pipe.execute())


def _queue_reads(pipe: Any, user_id: int) -> int:
    """Queue the sender's count and the backlog's reads; the messages allowed per window."""
    allowed, window = parse_rate(settings.CHAT_SEND_RATE)
    key = f"ei:rate:chat_send:{user_id}"
    pipe.incr(key)
    pipe.expire(key, window, nx=True)
    pipe.ttl(key)
    for queue in backlog_keys():
        pipe.llen(queue)
    # Turns go on at the left (LPUSH) and off at the right: the oldest of priority 0, ours.
    pipe.lindex(settings.CELERY_TASK_DEFAULT_QUEUE, -1)
    return allowed


def _admission(results: list[Any], allowed: int) -> Admission:
    count, _, ttl, *depths, oldest = results
    throttled = max(int(ttl), 1) if count > allowed else None
    return Admission(
        throttled_for_secs=throttled,
        backlog=sum(int(d) for d in depths),
        oldest_wait_secs=_waited_secs(oldest),
    )


def _waited_secs(message: str | None) -> float:
    """How long a task message on the queue has waited; 0 for one without the header (a task
    queued by a release before it, or not a turn)."""
    if not message:
        return 0.0
    try:
        enqueued_at = orjson.loads(message).get("headers", {}).get(ENQUEUED_AT_HEADER)
        return max(0.0, time.time() - float(enqueued_at)) if enqueued_at else 0.0
    except (ValueError, TypeError, AttributeError):
        return 0.0
