"""The domain side of a chat socket: who may open it, and what it replays on (re)connect."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings

from accounts.tokens import TokenIdentity, access_token_identity
from chat.envelopes import Envelope, durable_envelope
from chat.history import events_after
from chat.models import Thread, Turn, TurnState
from chat.threads import thread_access
from easy_islanders.redis import async_redis_client

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningTurn:
    id: UUID
    seq: int
    correlation_id: str


@dataclass(frozen=True)
class SocketOpening:
    identity: TokenIdentity
    thread: Thread
    head_seq: int
    # Sent in order right after `connected`: every durable event after `resumed_from`.
    replay: list[Envelope]
    resumed_from: int | None
    resync_required: bool
    # The turn being answered right now, if any: the socket shows typing and the text so far.
    running: RunningTurn | None

    @property
    def delivered_before_replay(self) -> int:
        """Where the socket's delivery cursor starts; the replay then brings it to head_seq."""
        return self.head_seq - len(self.replay)


def socket_open(token: str | None, thread_id: str, last_seq: int | None) -> SocketOpening:
    """Authenticate and authorize, then read what to replay.

    Raises TokenRejected, ThreadForbidden or ThreadNotFound. Call after joining the thread's
    group, so nothing committed after this read can be missed.
    """
    identity = access_token_identity(token)
    thread = thread_access(identity.user_id, thread_id)
    head_seq = Thread.objects.values_list("head_seq", flat=True).get(pk=thread.pk)
    replay: list[Envelope] = []
    resync = False
    if last_seq is not None:
        missed = head_seq - last_seq
        if missed < 0 or missed > settings.CHAT_REPLAY_MAX_EVENTS:
            resync = True
        else:
            replay = [durable_envelope(e) for e in events_after(thread.pk, last_seq, missed)]
    running = (
        Turn.objects.filter(thread_id=thread.pk, state=TurnState.RUNNING)
        .values_list("id", "seq", "correlation_id")
        .first()
    )
    return SocketOpening(
        identity=identity,
        thread=thread,
        head_seq=head_seq,
        replay=replay,
        resumed_from=last_seq,
        resync_required=resync,
        running=RunningTurn(*running) if running else None,
    )


def catch_up(thread_id: str, after_seq: int, up_to_seq: int) -> list[Envelope]:
    """The durable events after `after_seq` up to `up_to_seq`, to fill a gap in live frames."""
    events = events_after(UUID(thread_id), after_seq, up_to_seq - after_seq)
    return [durable_envelope(e) for e in events]


# --- Sockets per user ------------------------------------------------------------------------
# A sorted set per user: socket channel → last sign of life. A socket refreshes its entry every
# SLOT_REFRESH_SECS; entries of sockets that died without a goodbye expire after SLOT_TTL_SECS.
SLOT_TTL_SECS = 90
SLOT_REFRESH_SECS = 30


def _slots_key(user_id: int) -> str:
    return f"ei:ws:user:{user_id}"


async def socket_slot_take(user_id: int, channel: str) -> bool:
    """Count this socket against the user's limit; False when the user is already at it."""
    key, now = _slots_key(user_id), time.time()
    try:
        async with async_redis_client().pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, 0, now - SLOT_TTL_SECS)
            pipe.zadd(key, {channel: now})
            pipe.zcard(key)
            pipe.expire(key, SLOT_TTL_SECS)
            _, _, count, _ = await pipe.execute()
        if count > settings.CHAT_MAX_SOCKETS_PER_USER:
            await async_redis_client().zrem(key, channel)
            return False
    except Exception as exc:  # Redis down: let the socket in rather than lock everyone out
        logger.warning("ws_slot_check_failed", extra={"error": type(exc).__name__})
    return True


async def socket_slots_refresh(slots: list[tuple[int, str]]) -> None:
    """Mark these (user, socket) slots alive, in one round trip."""
    if not slots:
        return
    now = time.time()
    try:
        async with async_redis_client().pipeline(transaction=False) as pipe:
            for user_id, channel in slots:
                pipe.zadd(_slots_key(user_id), {channel: now}, xx=True)
                pipe.expire(_slots_key(user_id), SLOT_TTL_SECS)
            await pipe.execute()
    except Exception as exc:
        logger.warning("ws_slot_check_failed", extra={"error": type(exc).__name__})


async def socket_slot_release(user_id: int, channel: str) -> None:
    try:
        await async_redis_client().zrem(_slots_key(user_id), channel)
    except Exception as exc:
        logger.warning("ws_slot_check_failed", extra={"error": type(exc).__name__})


# --- Frames per socket -----------------------------------------------------------------------


@dataclass
class FrameBudget:
    """A token bucket: `rate` client frames a second on average, bursts of up to `burst`."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens, self.stamp = self.burst, time.monotonic()

    def spend(self) -> bool:
        """Take one frame's token; False when the socket has sent faster than allowed."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
