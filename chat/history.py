"""Reading a thread's durable events back: history pages and socket replay."""

from __future__ import annotations

from uuid import UUID

from chat.models import Event


def events_after(thread_id: UUID, after_seq: int, limit: int) -> list[Event]:
    """Up to `limit` durable events with seq > after_seq, in seq order (event_seq index)."""
    return list(
        Event.objects.filter(thread_id=thread_id, seq__gt=after_seq).order_by("seq")[:limit]
    )
