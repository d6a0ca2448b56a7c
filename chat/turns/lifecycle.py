"""A turn's states: queued → running → succeeded / failed / cancelled, each change conditional.

Claiming and finishing are one statement each (chat/sql/turns.sql). Every change that ends a
turn goes through `turn_finish` (from threads: a cancel, the sweep) or `turn_finish_async` (the
turn loop), which store exactly one terminal event and, once committed, announce the end the
same way: the terminal event, then `typing: false`, then the thread's next turn to the broker,
whatever the path (reply, failure, cancel, deadline). The two differ only in how they reach
PostgreSQL and Redis, as `message_accept` and `message_accept_async` do.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from agents.base import HistoryMessage
from agents.registry import failure_text
from chat.events import EventRow, durable_envelope, typing_envelope
from chat.models import UNFINISHED_STATES, Event, EventKind, Turn, TurnState
from chat.publishing import publish, publish_in
from chat.threads import thread_access
from chat.turns.queueing import turn_enqueue_or_defer, turn_task_message
from chat.turns.stopping import CANCEL, turn_stop_request
from easy_islanders.blocking import in_thread
from easy_islanders.pg import fetch_one
from easy_islanders.redis import async_redis_client
from observability.metrics import TURN_STAGE, TURNS, stage_timer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    text: str
    agent: str | None
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    degraded: bool = False
    cancelled: bool = False


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    retryable: bool


AGENT_FAILED = Failure(
    code="agent_error",
    message="Sorry, I could not answer that just now. Please try again.",
    retryable=True,
)
DEADLINE_EXCEEDED = Failure(
    code="deadline_exceeded",
    message="Sorry, that took too long to answer. Please try again.",
    retryable=True,
)


# --- Claiming --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimedTurn:
    """A turn this worker now runs, with what its agent needs."""

    id: UUID
    thread_id: UUID
    seq: int
    correlation_id: str
    attempts: int
    queued_at: datetime
    enqueued_at: datetime
    started_at: datetime
    cancel_requested_at: datetime | None
    message: str
    message_meta: dict[str, Any]
    history: tuple[HistoryMessage, ...]
    state: str = TurnState.RUNNING


_CLAIM_SQL = "SELECT * FROM chat_claim(%s, %s, %s)"


def turn_claim(turn_id: UUID, worker: str) -> ClaimedTurn | None:
    """Move the turn from queued to running, or return None when it must not run now.

    None when another delivery of the task claimed it first, when it already ended, or when
    an earlier turn of its thread is unfinished (that turn queues this one when it ends, so
    turns of a thread run one at a time, in order).
    """
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, (turn_id, worker, settings.CHAT_HISTORY_TURNS * 2))
        row = cursor.fetchone()
    return _claimed(turn_id, row)


async def turn_claim_async(turn_id: UUID, worker: str, *, within: float) -> ClaimedTurn | None:
    """`turn_claim` from the turn loop, on the hot path's pool, tried for `within` seconds
    while PostgreSQL cannot be reached (a claim is conditional: running it twice is safe).
    Raises DatabaseUnavailable."""
    params = (turn_id, worker, settings.CHAT_HISTORY_TURNS * 2)
    return _claimed(turn_id, await fetch_one(_CLAIM_SQL, params, within=within))


def _claimed(turn_id: UUID, row: Any) -> ClaimedTurn | None:
    outcome, thread_id, seq, cid, attempts, queued_at, enqueued_at, started_at, *rest = row
    if outcome == "waits":
        logger.info("turn_waits_for_earlier", extra={"turn_id": str(turn_id)})
    if outcome != "claimed":
        return None
    cancel_requested_at, message, message_meta, history = rest
    TURN_STAGE.labels("queue_wait").observe((started_at - enqueued_at).total_seconds())
    return ClaimedTurn(
        id=turn_id,
        thread_id=thread_id,
        seq=seq,
        correlation_id=cid,
        attempts=attempts,
        queued_at=queued_at,
        enqueued_at=enqueued_at,
        started_at=started_at,
        cancel_requested_at=cancel_requested_at,
        message=message,
        message_meta=_json(message_meta),
        history=tuple(
            HistoryMessage(
                role="user" if item["kind"] == EventKind.USER_MESSAGE else "assistant",
                text=item["content"],
                meta=item["meta"],
            )
            for item in _json(history)
        ),
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# --- Finishing -------------------------------------------------------------------------------

_FINISH_SQL = "SELECT * FROM chat_finish(%s, %s, %s, %s, %s, %s, %s)"


def turn_finish(
    turn_id: UUID,
    outcome: Reply | Failure,
    *,
    worker: str | None = None,
    first_token_at: datetime | None = None,
) -> EventRow | None:
    """Store the turn's one terminal event and state; None if it had already ended (or, for a
    `worker`, if the turn is no longer that worker's)."""
    if isinstance(outcome, Failure):
        outcome = _in_thread_language(outcome, turn_id)
    terminal = _terminal_event(outcome)
    with connection.cursor() as cursor:
        cursor.execute(_FINISH_SQL, _finish_params(turn_id, terminal, worker, first_token_at))
        row = cursor.fetchone()
    finished = _finished(turn_id, terminal, row)
    if finished is not None:
        event, next_turn = finished
        transaction.on_commit(lambda: _announce_end(event, next_turn), robust=True)
        return event
    return None


async def turn_finish_async(
    turn_id: UUID,
    outcome: Reply | Failure,
    *,
    worker: str | None = None,
    first_token_at: datetime | None = None,
    within: float | None = None,
) -> EventRow | None:
    """`turn_finish` from the turn loop, on the hot path's pool; the end is announced in one
    round trip to Redis. While PostgreSQL cannot be reached the outcome is kept and stored
    once it is back, tried for `within` seconds (the turn's deadline); raises
    DatabaseUnavailable after that."""
    if isinstance(outcome, Failure):
        outcome = await _worded(outcome, turn_id)
    terminal = _terminal_event(outcome)
    params = _finish_params(turn_id, terminal, worker, first_token_at)
    row = await fetch_one(_FINISH_SQL, params, within=within)
    finished = _finished(turn_id, terminal, row)
    if finished is None:
        return None
    event, next_turn = finished
    await _announce_end_async(event, next_turn)
    return event


def _finish_params(
    turn_id: UUID, terminal: _Terminal, worker: str | None, first_token_at: datetime | None
) -> tuple[Any, ...]:
    state, kind, content, meta = terminal
    return (turn_id, worker, state, kind, content, json.dumps(meta), first_token_at)


def _finished(
    turn_id: UUID, terminal: _Terminal, row: Any
) -> tuple[EventRow, tuple[UUID, str] | None] | None:
    """The stored terminal event and the thread's next turn, from chat_finish's row."""
    result, event_id, thread_id, seq, in_reply_to, cid, created_at, queued_at, *following = row
    if result != "finished":
        return None
    state, kind, content, meta = terminal
    event = EventRow(
        event_id, thread_id, seq, kind, content, meta, None, in_reply_to, cid, created_at
    )
    TURNS.labels(state).inc()
    TURN_STAGE.labels("total").observe((created_at - queued_at).total_seconds())
    logger.info(
        "turn_finished",
        extra={"turn_id": str(turn_id), "state": state, "seq": seq, "thread_id": str(thread_id)},
    )
    return event, ((following[0], following[1]) if following[0] else None)


async def _worded(failure: Failure, turn_id: UUID) -> Failure:
    """`_in_thread_language` from the turn loop; as it is when the thread cannot be read."""
    try:
        return await in_thread(_in_thread_language, failure, turn_id)
    except DatabaseError as exc:
        error = type(exc).__name__
        logger.warning("failure_not_worded", extra={"turn_id": str(turn_id), "error": error})
        return failure


def _in_thread_language(failure: Failure, turn_id: UUID) -> Failure:
    """The failure's message in the language the person writes in (their messages and the
    client's hints, read as the agent reads them); as it is for a code the agent has no words
    for. One query, on the failure path only."""
    turn = Turn.objects.filter(pk=turn_id)
    said = (
        Event.objects.filter(
            thread_id=Subquery(turn.values("thread_id")),
            seq__lte=Subquery(turn.values("seq")),
            kind=EventKind.USER_MESSAGE,
        )
        .order_by("-seq")
        .values_list("content", "meta")[: settings.CHAT_HISTORY_TURNS]
    )

    def oldest_first() -> Iterator[tuple[str, str | None]]:
        # Read lazily: the query runs only if the agent has words for this code.
        for content, meta in reversed(list(said)):
            yield content, meta.get("language")

    worded = failure_text(failure.code, oldest_first())
    return replace(failure, message=worded) if worded is not None else failure


def _announce_end(event: EventRow, next_turn: tuple[UUID, str] | None) -> None:
    """The one place a turn's end is told: its terminal event, typing off, the next turn."""
    assert event.in_reply_to is not None
    with stage_timer("deliver"):
        publish(durable_envelope(event))
    _end_published(event)
    typing_publish(event.thread_id, event.in_reply_to, event.correlation_id, value=False)
    if next_turn is not None:
        turn_enqueue_or_defer(*next_turn)


async def _announce_end_async(event: EventRow, next_turn: tuple[UUID, str] | None) -> None:
    """`_announce_end` in one pipeline: the same frames, in the same order, and the next turn
    onto the broker's list as the accept path puts it (else the sweep queues it)."""
    assert event.in_reply_to is not None
    typing_off = typing_envelope(
        str(event.thread_id), event.in_reply_to, event.correlation_id, value=False
    )
    try:
        with stage_timer("deliver"):
            async with async_redis_client().pipeline(transaction=False) as pipe:
                publish_in(pipe, durable_envelope(event))
                publish_in(pipe, typing_off)
                if next_turn is not None:
                    pipe.lpush(settings.CELERY_TASK_DEFAULT_QUEUE, turn_task_message(*next_turn))
                await pipe.execute()
    except Exception as exc:
        logger.warning(
            "publish_failed",
            extra={"frame": "turn_end", "seq": event.seq, "error": type(exc).__name__},
        )
    _end_published(event)


def _end_published(event: EventRow) -> None:
    logger.info(
        "turn_end_published",
        extra={"thread_id": str(event.thread_id), "seq": event.in_reply_to, "at": time.time()},
    )


class _Terminal(NamedTuple):
    state: TurnState
    kind: EventKind
    content: str
    meta: dict[str, Any]


def _terminal_event(outcome: Reply | Failure) -> _Terminal:
    if isinstance(outcome, Failure):
        meta: dict[str, Any] = {"code": outcome.code, "retryable": outcome.retryable}
        return _Terminal(TurnState.FAILED, EventKind.TURN_FAILED, outcome.message, meta)
    meta = {
        # The cards are part of the stored row, so replay and audit see them.
        "recommendations": outcome.recommendations,
        "agent": outcome.agent,
        "degraded": outcome.degraded,
        "cancelled": outcome.cancelled,
    }
    state = TurnState.CANCELLED if outcome.cancelled else TurnState.SUCCEEDED
    return _Terminal(state, EventKind.ASSISTANT_MESSAGE, outcome.text, meta)


# --- Cancelling ------------------------------------------------------------------------------


def turn_cancel(user_id: int, thread_id: UUID | str, in_reply_to: int | None = None) -> Turn | None:
    """Cancel the thread's unfinished turn (the one answering `in_reply_to`, else the oldest).

    A queued turn ends at once; a running one is asked to stop and ends with its partial text
    (`cancelled: true`). None when there is nothing to cancel. Raises ThreadNotFound.
    """
    thread = thread_access(user_id, thread_id)
    turns = Turn.objects.filter(thread=thread, state__in=UNFINISHED_STATES).order_by("seq")
    turn = (turns.filter(seq=in_reply_to) if in_reply_to is not None else turns).first()
    if turn is None:
        return None
    Turn.objects.filter(pk=turn.pk).update(cancel_requested_at=timezone.now())
    turn_stop_request(turn.pk, turn.attempts, CANCEL)
    if turn.state == TurnState.QUEUED:
        turn_finish(turn.pk, Reply(text="", agent=None, cancelled=True))
    logger.info("turn_cancel_requested", extra={"turn_id": str(turn.pk), "state": turn.state})
    return turn


# --- Typing ----------------------------------------------------------------------------------


def typing_publish(thread_id: UUID, in_reply_to: int, correlation_id: str, *, value: bool) -> None:
    publish(typing_envelope(str(thread_id), in_reply_to, correlation_id, value=value))
