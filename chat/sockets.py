"""The domain side of a chat socket, read with hand-written SQL on the event loop: who may open
it, what it replays on (re)connect, and where its thread stands now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from django.conf import settings

from chat.envelopes import Envelope, durable_envelope
from chat.errors import ThreadForbidden, ThreadNotFound
from easy_islanders.pg import pool


class EventRow(NamedTuple):
    id: UUID
    thread_id: UUID
    seq: int
    kind: str
    content: str
    meta: Any
    client_msg_id: UUID | None
    in_reply_to: int | None
    correlation_id: str
    created_at: datetime


@dataclass(frozen=True)
class RunningTurn:
    id: UUID
    seq: int
    correlation_id: str
    attempt: int


@dataclass(frozen=True)
class ThreadState:
    """Where a thread stands: its newest durable event and the turn being answered, if any."""

    head_seq: int
    running: RunningTurn | None


@dataclass(frozen=True)
class SocketOpening:
    state: ThreadState
    # Sent in order right after `connected`: every durable event after `resumed_from`.
    replay: list[Envelope]
    resumed_from: int | None
    resync_required: bool

    @property
    def delivered_before_replay(self) -> int:
        """Where the socket's delivery cursor starts; the replay then brings it to head_seq."""
        return self.state.head_seq - len(self.replay)


# The thread's owner and state; the running turn comes from the turn_unfinished_by_thread index.
_THREAD_STATES = """
SELECT t.id, t.owner_id, t.head_seq, r.id, r.seq, r.correlation_id, r.attempts
FROM chat_thread t
LEFT JOIN LATERAL (
    SELECT id, seq, correlation_id, attempts FROM chat_turn
    WHERE thread_id = t.id AND state = 'running' ORDER BY seq LIMIT 1
) r ON true
WHERE t.id = ANY(%s)
"""
# Served by the event_seq_unique_per_thread index.
_EVENTS_AFTER = """
SELECT id, thread_id, seq, kind, content, meta, client_msg_id, in_reply_to, correlation_id,
       created_at
FROM chat_event WHERE thread_id = %s AND seq > %s ORDER BY seq LIMIT %s
"""


async def thread_states(thread_ids: list[UUID]) -> dict[UUID, tuple[int, ThreadState]]:
    """Owner and state of each of these threads (absent: no such thread), in one statement."""
    async with (await pool()).connection() as conn:
        rows = await (await conn.execute(_THREAD_STATES, (thread_ids,))).fetchall()
    return {
        row[0]: (
            row[1],
            ThreadState(row[2], RunningTurn(*row[3:7]) if row[3] else None),
        )
        for row in rows
    }


async def events_after(thread_id: UUID, after_seq: int, limit: int) -> list[Envelope]:
    """Up to `limit` durable events with seq > after_seq, in seq order, as envelopes."""
    async with (await pool()).connection() as conn:
        rows = await (await conn.execute(_EVENTS_AFTER, (thread_id, after_seq, limit))).fetchall()
    return [durable_envelope(EventRow(*row)) for row in rows]


async def socket_open(user_id: int, thread_id: UUID, last_seq: int | None) -> SocketOpening:
    """Authorize, then read what to replay. Raises ThreadForbidden or ThreadNotFound.

    Call after the socket's thread is subscribed, so nothing committed after this read can be
    missed."""
    found = (await thread_states([thread_id])).get(thread_id)
    if found is None:
        raise ThreadNotFound("No such thread.")
    owner_id, state = found
    if owner_id != user_id:
        raise ThreadForbidden("No such thread.")
    replay: list[Envelope] = []
    resync = False
    if last_seq is not None:
        missed = state.head_seq - last_seq
        if missed < 0 or missed > settings.CHAT_REPLAY_MAX_EVENTS:
            resync = True
        elif missed:
            replay = await events_after(thread_id, last_seq, missed)
    return SocketOpening(state=state, replay=replay, resumed_from=last_seq, resync_required=resync)
