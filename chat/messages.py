"""Accepting a person's message: store it durably, announce it, queue its turn."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID, uuid4

from django.conf import settings
from django.db import transaction

from chat.envelopes import durable_envelope
from chat.errors import EmptyMessage, InvalidMessage, MessageTooLong
from chat.models import Event, EventKind, Turn
from chat.publishing import publish
from chat.sequencing import event_append
from chat.threads import active_thread_get_or_create, thread_lock_owned
from chat.turns import turn_enqueue_or_defer
from observability.metrics import TURN_STAGE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Acceptance:
    thread_id: UUID
    message_id: UUID
    seq: int
    client_msg_id: UUID
    correlation_id: str
    status: str
    idempotent: bool


def message_clean(text: str) -> str:
    """The message as it will be stored. Raises EmptyMessage, MessageTooLong, InvalidMessage."""
    text = text.strip()
    if not text:
        raise EmptyMessage("The message is empty.", fields={"message": ["This field is required."]})
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise MessageTooLong(
            f"The message is longer than {limit} characters.",
            fields={"message": [f"At most {limit} characters."]},
        )
    # PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded: refuse both here
    # rather than fail in the database.
    if "\x00" in text or not _encodable(text):
        raise InvalidMessage(
            "The message contains characters that cannot be stored.",
            fields={"message": ["Invalid characters."]},
        )
    return text


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@TURN_STAGE.labels("accept").time()
def message_accept(
    *,
    user_id: int,
    text: str,
    thread_id: UUID | None,
    client_msg_id: UUID | None,
    correlation_id: str,
) -> Acceptance:
    """Store the message and its turn; after commit, announce it and queue the turn.

    A resend with a `client_msg_id` already stored in the thread returns the first acceptance
    and starts nothing. Raises ThreadNotFound, EmptyMessage, MessageTooLong, InvalidMessage.
    """
    text = message_clean(text)
    if thread_id is None:
        thread_id = active_thread_get_or_create(user_id).pk
    # Only a client-chosen id can come back in a resend; one made here cannot.
    may_be_resend = client_msg_id is not None
    client_msg_id = client_msg_id or uuid4()
    with transaction.atomic():
        # One query locks the thread and checks its owner. The lock also serialises resends:
        # the second one sees the first one's row.
        thread = locked = thread_lock_owned(user_id, thread_id)
        first = (
            Event.objects.filter(thread=locked, client_msg_id=client_msg_id)
            .select_related("turn")
            .first()
            if may_be_resend
            else None
        )
        if first is not None:
            return _acceptance(first, first.turn, idempotent=True)
        event = event_append(
            locked,
            EventKind.USER_MESSAGE,
            text,
            correlation_id=correlation_id,
            client_msg_id=client_msg_id,
        )
        turn = Turn.objects.create(
            thread=locked, request=event, seq=event.seq, correlation_id=correlation_id
        )
        transaction.on_commit(lambda: publish(durable_envelope(event)), robust=True)
        transaction.on_commit(lambda: turn_enqueue_or_defer(turn))
    logger.info(
        "message_accepted",
        extra={
            "thread_id": str(thread.id),
            "seq": event.seq,
            "turn_id": str(turn.id),
            "chars": len(text),
        },
    )
    return _acceptance(event, turn, idempotent=False)


def _acceptance(event: Event, turn: Turn, *, idempotent: bool) -> Acceptance:
    assert event.client_msg_id is not None
    return Acceptance(
        thread_id=event.thread_id,
        message_id=event.id,
        seq=event.seq,
        client_msg_id=event.client_msg_id,
        correlation_id=event.correlation_id,
        status=turn.state,
        idempotent=idempotent,
    )
