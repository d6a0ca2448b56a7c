"""Handing turns to the broker (Celery on Redis). The task carries only the turn id; the
correlation id rides in its headers. PostgreSQL, not the broker, guarantees that a turn runs:
a turn the broker never got, or lost, is handed to it again by the sweep (chat/turns/sweeper.py).

From threads (the worker, the sweep, the DRF view) turns go through Celery's `send_task`. The
accept path on the event loop cannot call it (kombu publishes synchronously, and a thread to
run it fights the loop for the GIL under load), so there Celery builds the task message
(`as_task_v2`: protocol 2, the same headers and body) and the message goes onto the queue's
Redis list with the thread's doorbell in one pipelined round trip, as kombu's Redis transport
would put it (tests/chat/turns/test_queueing.py holds the two messages equal).
"""

from __future__ import annotations

import base64
import logging
import os
import socket
import time
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import orjson
from django.conf import settings
from kombu.serialization import dumps as kombu_dumps

from chat.admission import ENQUEUED_AT_HEADER
from chat.models import UNFINISHED_STATES, Turn, TurnState
from chat.turns.stopping import REQUEUED, turn_stop_request
from easy_islanders.celery import app as celery_app
from observability.celery import CORRELATION_HEADER

logger = logging.getLogger(__name__)

RUN_TURN_TASK = "chat.run_turn"

_ORIGIN = f"gen{os.getpid()}@{socket.gethostname()}"


def turn_enqueue(turn_id: UUID, correlation_id: str) -> None:
    """Hand the turn to the broker. Raises when the broker cannot take it now."""
    celery_app.send_task(RUN_TURN_TASK, args=[str(turn_id)], headers=_headers(correlation_id))


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


def turn_task_message(turn_id: UUID, correlation_id: str, queue: str | None = None) -> str:
    """The `chat.run_turn` task for this turn as kombu's Redis transport stores it on the
    queue's list (protocol 2, JSON, base64 body; priority 0 goes on the list without suffix)."""
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    task_id = str(uuid4())
    message = celery_app.amqp.as_task_v2(
        task_id,
        RUN_TURN_TASK,
        args=(str(turn_id),),
        kwargs={},
        argsrepr=repr([str(turn_id)]),  # as send_task's list of args shows
        origin=_ORIGIN,
        ignore_result=None,  # type: ignore[arg-type]  # as send_task passes it when unset
        reply_to=celery_app.thread_oid,
    )
    content_type, content_encoding, body = kombu_dumps(message.body, serializer="json")
    envelope: dict[str, Any] = {
        "body": base64.b64encode(body.encode() if isinstance(body, str) else body).decode(),
        "content-encoding": content_encoding,
        "content-type": content_type,
        "headers": {**message.headers, **_headers(correlation_id)},
        "properties": {
            **message.properties,
            "delivery_mode": 2,
            "delivery_info": {"exchange": "", "routing_key": queue},
            "priority": 0,
            "body_encoding": "base64",
            "delivery_tag": str(uuid4()),
        },
    }
    return orjson.dumps(envelope).decode()


def _headers(correlation_id: str) -> dict[str, Any]:
    # When it went onto the queue: admission reads the oldest one's (chat/admission.py).
    return {CORRELATION_HEADER: correlation_id, ENQUEUED_AT_HEADER: round(time.time(), 3)}


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
