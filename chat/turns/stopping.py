"""Telling a running turn to stop: cancelled by the person, out of time, or handed elsewhere.

The request is a short-lived Redis key; the durable fact (the turn's state,
`cancel_requested_at`) is in PostgreSQL. One task on the turn loop reads the keys of all the
running turns every POLL_SECS in one round trip (MGET), so a thousand turns in flight cost ten
reads a second, not ten thousand.
"""

from __future__ import annotations

import asyncio
import logging
import time
from uuid import UUID

from chat.turns.deadlines import turn_keys_ttl_secs
from easy_islanders.per_loop import PerLoop
from easy_islanders.redis import async_redis_client, redis_client

logger = logging.getLogger(__name__)

POLL_SECS = 0.1
CANCEL, DEADLINE, REQUEUED = "cancel", "deadline", "requeued"


def _key(turn_id: UUID, attempt: int) -> str:
    # Per attempt: stopping a re-queued turn's lost attempt must not stop the next one.
    return f"ei:turn:stop:{turn_id}:{attempt}"


def turn_stop_request(turn_id: UUID, attempt: int, reason: str) -> None:
    try:
        redis_client().set(_key(turn_id, attempt), reason, ex=turn_keys_ttl_secs())
    except Exception as exc:
        logger.warning(
            "turn_stop_request_failed", extra={"turn_id": str(turn_id), "error": type(exc).__name__}
        )


class StopWatch:
    """Asked between pieces: should this turn stop, and why? Stops by itself at the turn's
    deadline; a stop request reaches it through the loop's board within POLL_SECS. Made and
    closed on the turn loop."""

    def __init__(self, turn_id: UUID, attempt: int, deadline_at: float) -> None:
        self.key, self._deadline_at = _key(turn_id, attempt), deadline_at
        self.reason: str | None = None
        _board().watch(self)

    def should_stop(self) -> bool:
        if self.reason is None and time.time() >= self._deadline_at:
            self.reason = DEADLINE
        return self.reason is not None

    def close(self) -> None:
        _board().unwatch(self)


class _StopBoard:
    """The running turns of a loop, and the task that reads their stop keys while any run."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._watches: dict[str, StopWatch] = {}
        self._reader: asyncio.Task[None] | None = None

    def watch(self, watch: StopWatch) -> None:
        self._watches[watch.key] = watch
        if self._reader is None:
            self._reader = self._loop.create_task(self._read_while_watched())

    def unwatch(self, watch: StopWatch) -> None:
        self._watches.pop(watch.key, None)

    async def _read_while_watched(self) -> None:
        try:
            while self._watches:
                await asyncio.sleep(POLL_SECS)
                watches = list(self._watches.values())
                if not watches:
                    break
                try:
                    values = await async_redis_client().mget([w.key for w in watches])
                except Exception:
                    continue  # Redis down: keep going; deadlines still hold
                for watch, value in zip(watches, values, strict=True):
                    if value and watch.reason is None:
                        watch.reason = str(value)
        finally:
            self._reader = None


_board = PerLoop(_StopBoard).get
