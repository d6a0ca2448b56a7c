"""Reading a thread back: its durable events in seq order, and where it stands now.

The events page (HTTP, from a thread) reads through the ORM; the socket side reads on the
event loop with hand-written SQL on the hot path's pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from chat.events import Envelope, EventRow, durable_envelope
from chat.models import Event
from easy_islanders.pg import fetch_all


@dataclass(frozen=True)
class RunningTurn:
    id: UUID
    seq: int
    correlation_id: str
    attempt: int


@dataclass(frozen=True)
class ThreadState:
    """Where a thread stands: its owner, its newest durable event and the turn being
    answered, if any."""

    owner_id: int
    head_seq: int
    running: RunningTurn | None


# The running turn comes from the turn_unfinished_by_thread index.
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


def events_page(thread_id: UUID, after_seq: int, limit: int) -> list[Event]:
    """Up to `limit` durable events with seq > after_seq, in seq order (from a thread)."""
    return list(
        Event.objects.filter(thread_id=thread_id, seq__gt=after_seq).order_by("seq")[:limit]
    )


async def events_after(thread_id: UUID, after_seq: int, limit: int) -> list[Envelope]:
    """Up to `limit` durable events with seq > after_seq, in seq order, as envelopes (from the
    event loop)."""
    rows = await fetch_all(_EVENTS_AFTER, (thread_id, after_seq, limit))
    return [durable_envelope(EventRow(*row)) for row in rows]


async def thread_states(thread_ids: list[UUID]) -> dict[UUID, ThreadState]:
    """Where each of these threads stands (absent: no such thread), in one statement."""
    rows = await fetch_all(_THREAD_STATES, (thread_ids,))
    return {
        row[0]: ThreadState(row[1], row[2], RunningTurn(*row[3:7]) if row[3] else None)
        for row in rows
    }
