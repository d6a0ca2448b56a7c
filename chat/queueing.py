"""Handing turns to the broker (Celery on Redis). The task carries only the turn id; the
correlation id rides in its headers. PostgreSQL, not the broker, guarantees that a turn runs:
a turn the broker never got, or lost, is handed to it again by the sweep (chat/sweeper.py)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from uuid import UUID

from chat.models import UNFINISHED_STATES, Turn, TurnState
from chat.stopping import REQUEUED, turn_stop_request
from easy_islanders.celery import app as celery_app
from observability.celery import CORRELATION_HEADER

logger = logging.getLogger(__name__)

RUN_TURN_TASK = "chat.run_turn"

# kombu publishes synchronously; from the event loop it runs here, one message at a time, so
# a broker that hangs can never stall the loop.
_publisher = ThreadPoolExecutor(1, thread_name_prefix="enqueue")


def turn_enqueue(turn_id: UUID, correlation_id: str) -> None:
    """Hand the turn to the broker. Raises when the broker cannot take it now."""
    celery_app.send_task(
        RUN_TURN_TASK, args=[str(turn_id)], headers={CORRELATION_HEADER: correlation_id}
    )


def turn_enqueue_or_defer(turn_id: UUID, correlation_id: str) -> None:
    """Queue a just-accepted turn. If the broker cannot take it now, the turn stays queued in
    PostgreSQL and the sweep hands it over once the broker is back, so the 202 already given
    still holds: the turn runs, or ends at its deadline."""
    try:
        turn_enqueue(turn_id, correlation_id)
    except Exception as exc:
        logger.error(
            "turn_enqueue_deferred", extra={"turn_id": str(turn_id), "error": type(exc).__name__}
        )


async def turn_enqueue_or_defer_async(turn_id: UUID, correlation_id: str) -> None:
    """`turn_enqueue_or_defer` from the event loop."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(_publisher, turn_enqueue_or_defer, turn_id, correlation_id)


def turn_is_next(turn: Turn) -> bool:
    """No earlier turn of its thread is unfinished (the turn_unfinished_by_thread index)."""
    return not Turn.objects.filter(
        thread_id=turn.thread_id, seq__lt=turn.seq, state__in=UNFINISHED_STATES
    ).exists()


def turn_requeue(turn: Turn, *, from_worker: str | None, now: datetime) -> bool:
    """Hand a turn to the broker again: a running one whose worker died, or a queued one the
    broker lost (Redis restarted empty). Conditional, so racing sweeps requeue it once."""
    still = Turn.objects.filter(pk=turn.pk)
    if from_worker:
        still = still.filter(state=TurnState.RUNNING, claimed_by=from_worker)
    else:
        still = still.filter(state=TurnState.QUEUED, enqueued_at=turn.enqueued_at)
    if not still.update(state=TurnState.QUEUED, claimed_by="", enqueued_at=now):
        return False
    if from_worker:
        # In case that worker is only slow, not dead: its attempt must stop streaming.
        turn_stop_request(turn.pk, turn.attempts, REQUEUED)
    turn_enqueue(turn.pk, turn.correlation_id)
    logger.warning("turn_requeued", extra={"turn_id": str(turn.pk), "from_worker": from_worker})
    return True
