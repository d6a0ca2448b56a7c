"""Accepting a person's message: store it durably with its turn, announce it, queue the turn.

The store is one statement, `chat_accept()` (chat/sql/accept.sql): it finds or creates the
active thread, locks it and checks its owner, answers a resend, allocates the seq (titling an
untitled thread after the message) and stores the event and its turn, in one round trip and
one transaction. Only after it has committed is the event published and the turn queued. The
event loop (`message_accept_async`, the HTTP accept path) runs it on the hot path's connection
pool; `message_accept` runs the same statement from a thread on Django's connection.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.db import connection, transaction

from chat.errors import (
    EmptyMessage,
    InvalidMessage,
    MessageTooLong,
    ThreadForbidden,
    ThreadNotFound,
)
from chat.events import Envelope, EventRow, durable_envelope
from chat.models import EventKind
from chat.publishing import publish, publish_in
from chat.threads import thread_title_from_message
from chat.turns.queueing import turn_enqueue_or_defer, turn_task_message
from easy_islanders.pg import fetch_one
from easy_islanders.redis import async_redis_client
from observability.metrics import TURN_STAGE

logger = logging.getLogger(__name__)

ACCEPT_SQL = "SELECT * FROM chat_accept(%s, %s, %s, %s, %s, %s, %s, %s)"


@dataclass(frozen=True)
class Acceptance:
    thread_id: UUID
    message_id: UUID
    seq: int
    client_msg_id: UUID
    correlation_id: str
    status: str
    idempotent: bool


@dataclass(frozen=True)
class _Stored:
    acceptance: Acceptance
    event: Envelope
    turn_id: UUID


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


def _params(
    user_id: int,
    text: str,
    thread_id: UUID | None,
    client_msg_id: UUID | None,
    correlation_id: str,
    meta: dict[str, Any] | None,
) -> tuple[Any, ...]:
    # Only a client-chosen id can come back in a resend; one made here cannot.
    may_be_resend = client_msg_id is not None
    clean = message_clean(text)
    return (
        user_id,
        thread_id,
        client_msg_id or uuid4(),
        may_be_resend,
        clean,
        correlation_id,
        json.dumps(meta or {}),
        # The thread's title if it has none yet (its first message, or the next after a blank
        # rename): the statement sets it with the seq, in the same row update.
        thread_title_from_message(clean),
    )


def _as_resend(params: tuple[Any, ...]) -> tuple[Any, ...]:
    """The statement's parameters with the message's id looked up first."""
    return (*params[:3], True, *params[4:])


def _stored(row: tuple[Any, ...], text: str) -> _Stored:
    """The statement's answer. Raises ThreadNotFound or ThreadForbidden."""
    outcome, thread_id, message_id, seq, client_msg_id, cid, created_at, turn_id, state = row
    if outcome == "not_found":
        raise ThreadNotFound("No such thread.")
    if outcome == "forbidden":
        raise ThreadForbidden("No such thread.")
    created: datetime = created_at
    event = EventRow(
        message_id,
        thread_id,
        seq,
        EventKind.USER_MESSAGE,
        text,
        {},
        client_msg_id,
        None,
        cid,
        created,
    )
    acceptance = Acceptance(
        thread_id=thread_id,
        message_id=message_id,
        seq=seq,
        client_msg_id=client_msg_id,
        correlation_id=cid,
        status=state,
        idempotent=outcome == "idempotent",
    )
    return _Stored(acceptance, durable_envelope(event), turn_id)


def message_accept(
    *,
    user_id: int,
    text: str,
    thread_id: UUID | None,
    client_msg_id: UUID | None,
    correlation_id: str,
    meta: dict[str, Any] | None = None,
) -> Acceptance:
    """Store the message and its turn; then announce it and queue the turn (from a thread).

    A resend with a `client_msg_id` already stored in the thread returns the first acceptance
    and starts nothing. Raises ThreadNotFound, EmptyMessage, MessageTooLong, InvalidMessage.
    """
    started = time.perf_counter()
    params = _params(user_id, text, thread_id, client_msg_id, correlation_id, meta)
    with connection.cursor() as cursor:
        cursor.execute(ACCEPT_SQL, params)
        row = cursor.fetchone()
    stored = _stored(row, params[4])
    if not stored.acceptance.idempotent:
        # Immediately, or when a caller's enclosing transaction commits.
        transaction.on_commit(lambda: publish(stored.event), robust=True)
        transaction.on_commit(lambda: turn_enqueue_or_defer(stored.turn_id, correlation_id))
    return _accepted(stored, started)


async def message_accept_async(
    *,
    user_id: int,
    text: str,
    thread_id: UUID | None,
    client_msg_id: UUID | None,
    correlation_id: str,
    meta: dict[str, Any] | None = None,
) -> Acceptance:
    """`message_accept` from the event loop, on the hot path's pool. A connection PostgreSQL
    closed (a restart) is replaced and the statement run again, as a resend: if the first run
    committed, the message is not stored twice. Raises DatabaseUnavailable too."""
    started = time.perf_counter()
    params = _params(user_id, text, thread_id, client_msg_id, correlation_id, meta)
    row = await fetch_one(ACCEPT_SQL, params, again=_as_resend(params))
    stored = _stored(row, params[4])
    if client_msg_id is None and stored.acceptance.idempotent:
        # The id was made here, so only our own second run can have found it: the first run
        # committed and its answer was lost. It is this request's acceptance, not a resend.
        stored = replace(stored, acceptance=replace(stored.acceptance, idempotent=False))
    if not stored.acceptance.idempotent:
        await _announce_and_enqueue(stored, correlation_id)
    return _accepted(stored, started)


async def _announce_and_enqueue(stored: _Stored, correlation_id: str) -> None:
    """The doorbell and the broker hand-off in one round trip. If Redis cannot take them, the
    turn is still a committed row: the sweep hands it to the broker once Redis is back."""
    event = stored.event
    try:
        async with async_redis_client().pipeline(transaction=False) as pipe:
            publish_in(pipe, event)
            pipe.lpush(
                settings.CELERY_TASK_DEFAULT_QUEUE,
                turn_task_message(stored.turn_id, correlation_id),
            )
            await pipe.execute()
    except Exception as exc:
        logger.error(
            "turn_enqueue_deferred",
            extra={"turn_id": str(stored.turn_id), "error": type(exc).__name__},
        )


def _accepted(stored: _Stored, started: float) -> Acceptance:
    accepted = stored.acceptance
    TURN_STAGE.labels("accept").observe(time.perf_counter() - started)
    if not accepted.idempotent:
        logger.info(
            "message_accepted",
            extra={
                "thread_id": str(accepted.thread_id),
                "seq": accepted.seq,
                "turn_id": str(stored.turn_id),
                "chars": len(stored.event["payload"]["text"]),
            },
        )
    return accepted
