"""Handing turns to the broker (Celery on Redis). The task carries only the turn id; the
correlation id rides in its headers. PostgreSQL, not the broker, guarantees that a turn runs:
a turn the broker never got, or lost, is handed to it again by the sweep (chat/sweeper.py)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

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
