"""A turn's states: queued → running → succeeded / failed / cancelled, each change conditional.

Every change that ends a turn goes through `turn_finish`, which stores exactly one terminal
event and, after commit, publishes it and then `typing: false`, whatever the path (reply,
failure, cancel, deadline).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chat.envelopes import durable_envelope, typing_envelope
from chat.models import UNFINISHED_STATES, Event, EventKind, Turn, TurnState
from chat.publishing import publish
from chat.queueing import turn_enqueue
from chat.sequencing import event_append, thread_lock
from chat.stopping import CANCEL, REQUEUED, turn_stop_request
from chat.threads import thread_access
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


# --- Queueing --------------------------------------------------------------------------------


def turn_next_queued(thread_id: UUID) -> Turn | None:
    """The thread's oldest waiting turn (served by the turn_unfinished_by_thread index)."""
    return Turn.objects.filter(thread_id=thread_id, state=TurnState.QUEUED).order_by("seq").first()


def turn_is_next(turn: Turn) -> bool:
    """No earlier turn of its thread is unfinished."""
    return not Turn.objects.filter(
        thread_id=turn.thread_id, seq__lt=turn.seq, state__in=UNFINISHED_STATES
    ).exists()


def _enqueue_next(thread_id: UUID) -> None:
    """Queue the thread's next waiting turn; its own delivery was skipped while this one ran."""
    following = turn_next_queued(thread_id)
    if following is None:
        return
    try:
        turn_enqueue(following.id, following.correlation_id)
    except Exception as exc:
        # The sweeper hands it to the broker again once the broker is back.
        logger.error(
            "turn_enqueue_failed", extra={"turn_id": str(following.id), "error": type(exc).__name__}
        )


def turn_requeue(turn: Turn, *, from_worker: str | None, now: datetime) -> bool:
    """Hand a turn to the broker again: a running one whose worker died, or a queued one the
    broker lost (Redis restarted empty). Conditional, so racing sweeps requeue it once."""
    still = Q(pk=turn.pk)
    still &= (
        Q(state=TurnState.RUNNING, claimed_by=from_worker)
        if from_worker
        else Q(state=TurnState.QUEUED, enqueued_at=turn.enqueued_at)
    )
    if not Turn.objects.filter(still).update(
        state=TurnState.QUEUED, claimed_by="", enqueued_at=now
    ):
        return False
    if from_worker:
        # In case that worker is only slow, not dead: its attempt must stop streaming.
        turn_stop_request(turn.pk, turn.attempts, REQUEUED)
    turn_enqueue(turn.id, turn.correlation_id)
    logger.warning("turn_requeued", extra={"turn_id": str(turn.pk), "from_worker": from_worker})
    return True


# --- Claiming --------------------------------------------------------------------------------


def turn_claim(turn_id: UUID, worker: str) -> Turn | None:
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
    if not turn_is_next(turn):
        logger.info("turn_waits_for_earlier", extra={"turn_id": str(turn_id)})
        return None
    started_at = timezone.now()
    claimed = Turn.objects.filter(pk=turn_id, state=TurnState.QUEUED).update(
        state=TurnState.RUNNING,
        started_at=started_at,
        attempts=turn.attempts + 1,
        claimed_by=worker,
    )
    if not claimed:
        return None  # another delivery got there first
    turn.state, turn.started_at, turn.claimed_by = TurnState.RUNNING, started_at, worker
    turn.attempts += 1
    TURN_STAGE.labels("queue_wait").observe((started_at - turn.enqueued_at).total_seconds())
    return turn


# --- Finishing -------------------------------------------------------------------------------


def turn_finish(
    turn_id: UUID, outcome: Reply | Failure, *, worker: str | None = None
) -> Event | None:
    """Store the turn's one terminal event and state; None if it had already ended (or, for a
    `worker`, if the turn is no longer that worker's)."""
    with transaction.atomic():
        turn = Turn.objects.get(pk=turn_id)
        # Every path that ends a turn takes the thread lock first, so two of them (a late
        # redelivery and a deadline, say) cannot both see it unfinished.
        thread = thread_lock(turn.thread_id)
        state = _terminal_state(outcome)
        unfinished = Q(pk=turn_id, state__in=UNFINISHED_STATES)
        if worker is not None:
            unfinished &= Q(state=TurnState.RUNNING, claimed_by=worker)
        if not Turn.objects.filter(unfinished).update(state=state, finished_at=timezone.now()):
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
        transaction.on_commit(lambda: _announce_end(turn, event), robust=True)
    TURNS.labels(state).inc()
    TURN_STAGE.labels("total").observe((event.created_at - turn.queued_at).total_seconds())
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


def _announce_end(turn: Turn, event: Event) -> None:
    with stage_timer("deliver"):
        publish(durable_envelope(event))
    typing_publish(turn, False)
    _enqueue_next(turn.thread_id)


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


# --- Ephemeral frames ------------------------------------------------------------------------


def typing_publish(turn: Turn, value: bool) -> None:
    publish(typing_envelope(str(turn.thread_id), turn.seq, turn.correlation_id, value=value))
