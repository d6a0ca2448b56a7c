"""Telling a running turn to stop: cancelled by the person, out of time, or handed elsewhere.

The request is a short-lived Redis key the worker polls between pieces (at most every
POLL_SECS, so hundreds of turns in flight cost little); the durable fact (the turn's state,
`cancel_requested_at`) is in PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from uuid import UUID

from chat.deadlines import turn_keys_ttl_secs
from easy_islanders.redis import redis_client

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
    """Asked between pieces: should this turn stop, and why? Polls Redis at most every
    POLL_SECS; also stops by itself at the turn's deadline."""

    def __init__(self, turn_id: UUID, attempt: int, deadline_at: float) -> None:
        self._key, self._deadline_at = _key(turn_id, attempt), deadline_at
        self._next_poll = 0.0
        self.reason: str | None = None

    def should_stop(self) -> bool:
        if self.reason is None and time.time() >= self._deadline_at:
            self.reason = DEADLINE
        now = time.monotonic()
        if self.reason is None and now >= self._next_poll:
            self._next_poll = now + POLL_SECS
            try:
                value = redis_client().get(self._key)
            except Exception:
                value = None  # Redis down: keep going; the deadline still holds
            if value:
                self.reason = str(value)
        return self.reason is not None
