"""Appending durable events: the per-thread `seq` is allocated inside the writing transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from chat.models import Event, EventKind, Role, Thread

_ROLE_OF_KIND = {
    EventKind.USER_MESSAGE: Role.USER,
    EventKind.ASSISTANT_MESSAGE: Role.ASSISTANT,
    EventKind.TURN_FAILED: Role.SYSTEM,
}


def thread_lock(thread_id: UUID) -> Thread:
    """Lock the thread row for the rest of the transaction.

    Every writer of a thread's events takes this lock first, so `head_seq + 1` is computed by
    one transaction at a time: seqs are unique, and because the increment and the insert
    commit or roll back together, gapless.
    """
    assert transaction.get_connection().in_atomic_block, "thread_lock needs a transaction"
    return Thread.objects.select_for_update().get(pk=thread_id)


def event_append(
    thread: Thread,
    kind: EventKind,
    content: str,
    *,
    correlation_id: str,
    meta: dict[str, Any] | None = None,
    client_msg_id: UUID | None = None,
    in_reply_to: int | None = None,
) -> Event:
    """Store the thread's next durable event. The caller holds `thread_lock(thread.id)`."""
    now = timezone.now()
    thread.head_seq += 1
    thread.last_activity_at = now
    thread.save(update_fields=["head_seq", "last_activity_at"])
    return Event.objects.create(
        thread=thread,
        seq=thread.head_seq,
        kind=kind,
        role=_ROLE_OF_KIND[kind],
        content=content,
        meta=meta or {},
        client_msg_id=client_msg_id,
        in_reply_to=in_reply_to,
        correlation_id=correlation_id,
        created_at=now,
    )
