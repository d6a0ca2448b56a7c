"""A turn's life: queue it, claim it, run the agent, store exactly one terminal event."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from agents.base import AgentRequest, FinalAnswer, HistoryMessage, TextPiece
from agents.registry import supervisor_agent
from chat.envelopes import durable_envelope, ephemeral_envelope
from chat.errors import QueueUnavailable
from chat.models import UNFINISHED_STATES, Event, EventKind, Turn, TurnState
from chat.publishing import publish
from chat.sequencing import event_append, thread_lock
from easy_islanders.celery import app as celery_app
from observability.celery import CORRELATION_HEADER

logger = logging.getLogger(__name__)

RUN_TURN_TASK = "chat.run_turn"


@dataclass(frozen=True)
class Reply:
    text: str
    agent: str
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
NOT_QUEUED = Failure(
    code="queue_unavailable",
    message="The chat service could not queue your message. Please send it again.",
    retryable=True,
)


# --- Queueing --------------------------------------------------------------------------------


def turn_enqueue(turn: Turn) -> None:
    celery_app.send_task(
        RUN_TURN_TASK, args=[str(turn.id)], headers={CORRELATION_HEADER: turn.correlation_id}
    )


def turn_enqueue_or_fail(turn: Turn) -> None:
    """Queue a just-accepted turn; if the broker cannot take it, fail it durably and say 503.

    Called after commit. A 202 must never promise a turn that will not run.
    """
    try:
        turn_enqueue(turn)
    except Exception as exc:
        logger.error(
            "turn_enqueue_failed", extra={"turn_id": str(turn.id), "error": type(exc).__name__}
        )
        turn_finish(turn.id, NOT_QUEUED)
        raise QueueUnavailable(
            "The chat service cannot take messages right now. Please try again shortly."
        ) from exc


def turn_next_queued(thread_id: UUID) -> Turn | None:
    """The thread's oldest waiting turn (served by the turn_unfinished_by_thread index)."""
    return Turn.objects.filter(thread_id=thread_id, state=TurnState.QUEUED).order_by("seq").first()


def _enqueue_next(thread_id: UUID) -> None:
    """Queue the thread's next waiting turn; its own delivery was skipped while this one ran."""
    following = turn_next_queued(thread_id)
    if following is None:
        return
    try:
        turn_enqueue(following)
    except Exception as exc:
        logger.error(
            "turn_enqueue_failed", extra={"turn_id": str(following.id), "error": type(exc).__name__}
        )


# --- Claiming --------------------------------------------------------------------------------


def turn_claim(turn_id: UUID) -> Turn | None:
    """Move the turn from queued to running, or return None when it must not run now.

    None when another delivery of the task claimed it first (the conditional UPDATE changes
    no row), when it already ended, or when an earlier turn of its thread is unfinished (that
    turn queues this one when it ends, so turns of a thread run one at a time, in order).
    """
    turn = Turn.objects.filter(pk=turn_id).first()
    if turn is None or turn.state != TurnState.QUEUED:
        return None
    # No lock is needed: an earlier turn counts while queued *or* running, so whichever way
    # this races with it finishing, one of the two ends up enqueueing this turn.
    earlier_unfinished = Turn.objects.filter(
        thread_id=turn.thread_id, seq__lt=turn.seq, state__in=UNFINISHED_STATES
    ).exists()
    if earlier_unfinished:
        logger.info("turn_waits_for_earlier", extra={"turn_id": str(turn_id)})
        return None
    started_at = timezone.now()
    claimed = Turn.objects.filter(pk=turn_id, state=TurnState.QUEUED).update(
        state=TurnState.RUNNING, started_at=started_at, attempts=turn.attempts + 1
    )
    if not claimed:
        return None  # another delivery got there first
    turn.state, turn.started_at, turn.attempts = TurnState.RUNNING, started_at, turn.attempts + 1
    return turn


# --- Running ---------------------------------------------------------------------------------


def turn_run(turn_id: UUID) -> None:
    """Run one claimed turn to its single terminal event. Safe to call twice for one turn."""
    turn = turn_claim(turn_id)
    if turn is None:
        logger.info("turn_claim_skipped", extra={"turn_id": str(turn_id)})
        return
    logger.info(
        "turn_started",
        extra={"turn_id": str(turn.id), "thread_id": str(turn.thread_id), "attempt": turn.attempts},
    )
    request = _agent_request(turn)
    # The agent may wait seconds on the network: give the connection back to the pool meanwhile.
    close_old_connections()
    _publish_typing(turn, True)
    try:
        outcome = _generate(turn, request)
        turn_finish(turn.id, outcome)
    finally:
        _publish_typing(turn, False)


def _agent_request(turn: Turn) -> AgentRequest:
    message = Event.objects.only("content").get(pk=turn.request_id)
    earlier = (
        Event.objects.filter(
            thread_id=turn.thread_id,
            seq__lt=turn.seq,
            kind__in=[EventKind.USER_MESSAGE, EventKind.ASSISTANT_MESSAGE],
        )
        .order_by("-seq")
        .only("kind", "content", "meta")[: settings.CHAT_HISTORY_TURNS * 2]
    )
    history = tuple(
        HistoryMessage(
            role="user" if e.kind == EventKind.USER_MESSAGE else "assistant",
            text=e.content,
            meta=e.meta,
        )
        for e in reversed(list(earlier))
    )
    return AgentRequest(
        thread_id=str(turn.thread_id),
        message=message.content,
        history=history,
        correlation_id=turn.correlation_id,
        deadline_at=turn.queued_at.timestamp() + settings.CHAT_TURN_DEADLINE_SECS,
    )


def _generate(turn: Turn, request: AgentRequest) -> Reply | Failure:
    agent = supervisor_agent()
    pieces: list[str] = []
    offset = 0
    try:
        for chunk in agent.stream(request):
            if isinstance(chunk, TextPiece) and chunk.text:
                if offset == 0:
                    Turn.objects.filter(pk=turn.id).update(first_token_at=timezone.now())
                _publish_delta(turn, chunk.text, offset)
                pieces.append(chunk.text)
                offset += len(chunk.text)
            elif isinstance(chunk, FinalAnswer):
                return Reply(
                    text="".join(pieces),
                    agent=chunk.agent or agent.name,
                    recommendations=chunk.recommendations,
                    degraded=chunk.degraded,
                )
    except Exception:
        logger.exception("turn_agent_failed", extra={"turn_id": str(turn.id), "agent": agent.name})
        return AGENT_FAILED
    logger.error("turn_agent_no_final_answer", extra={"turn_id": str(turn.id), "agent": agent.name})
    return AGENT_FAILED


# --- Finishing -------------------------------------------------------------------------------


def turn_finish(turn_id: UUID, outcome: Reply | Failure) -> Event | None:
    """Store the turn's one terminal event and state. None if the turn had already ended."""
    with transaction.atomic():
        turn = Turn.objects.get(pk=turn_id)
        # Every path that ends a turn takes the thread lock first, so two of them (a late
        # redelivery and a deadline, say) cannot both see it unfinished.
        thread = thread_lock(turn.thread_id)
        state = _terminal_state(outcome)
        ended = Turn.objects.filter(pk=turn_id, state__in=UNFINISHED_STATES).update(
            state=state, finished_at=timezone.now()
        )
        if not ended:
            return None
        kind, content, meta = _terminal_event(outcome)
        event = event_append(
            thread,
            kind,
            content,
            meta=meta,
            in_reply_to=turn.seq,
            correlation_id=turn.correlation_id,
        )
        Turn.objects.filter(pk=turn_id).update(reply=event)
        transaction.on_commit(lambda: publish(durable_envelope(event)), robust=True)
        transaction.on_commit(lambda: _enqueue_next(turn.thread_id), robust=True)
    logger.info(
        "turn_finished",
        extra={
            "turn_id": str(turn_id),
            "state": state,
            "seq": event.seq,
            "thread_id": str(turn.thread_id),
        },
    )
    return event


def _terminal_state(outcome: Reply | Failure) -> TurnState:
    if isinstance(outcome, Failure):
        return TurnState.FAILED
    return TurnState.CANCELLED if outcome.cancelled else TurnState.SUCCEEDED


def _terminal_event(outcome: Reply | Failure) -> tuple[EventKind, str, dict[str, Any]]:
    if isinstance(outcome, Failure):
        meta: dict[str, Any] = {"code": outcome.code, "retryable": outcome.retryable}
        return EventKind.TURN_FAILED, outcome.message, meta
    meta = {
        # CF-010: the cards are part of the stored row, so replay and audit see them.
        "recommendations": outcome.recommendations,
        "agent": outcome.agent,
        "degraded": outcome.degraded,
        "cancelled": outcome.cancelled,
    }
    return EventKind.ASSISTANT_MESSAGE, outcome.text, meta


# --- Ephemeral frames ------------------------------------------------------------------------


def _publish_typing(turn: Turn, value: bool) -> None:
    publish(
        ephemeral_envelope(
            "chat_status",
            "typing",
            thread_id=str(turn.thread_id),
            payload={"value": value},
            in_reply_to=turn.seq,
            correlation_id=turn.correlation_id,
        )
    )


def _publish_delta(turn: Turn, text: str, offset: int) -> None:
    publish(
        ephemeral_envelope(
            "chat_delta",
            "token",
            thread_id=str(turn.thread_id),
            payload={"text": text, "offset": offset},
            in_reply_to=turn.seq,
            correlation_id=turn.correlation_id,
        )
    )
