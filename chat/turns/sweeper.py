"""The periodic sweep that keeps "exactly one terminal outcome" true when processes fail.

PostgreSQL holds every accepted turn, so whatever Redis or a worker lost can be rebuilt:
- a turn past CHAT_TURN_DEADLINE_SECS ends as `turn_failed` (deadline_exceeded);
- a running turn whose worker stopped sending heartbeats (killed, crashed) is queued again;
- a queued turn first in its thread's line but not claimed for CHAT_REQUEUE_AFTER_SECS (its
  message was lost with a Redis restart, say) is handed to the broker again.
Each step is a conditional update, so sweeps racing each other or a worker do no harm.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from chat.models import UNFINISHED_STATES, Turn, TurnState
from chat.turns.deadlines import overdue_if_queued_before
from chat.turns.lifecycle import DEADLINE_EXCEEDED, turn_finish
from chat.turns.queueing import turn_is_next, turn_requeue
from chat.turns.stopping import DEADLINE, turn_stop_request
from chat.turns.workers import live_worker_names
from easy_islanders.redis import redis_client

logger = logging.getLogger(__name__)

BATCH = 200
LOCK_KEY = "ei:sweeper:lock"


@dataclass
class SweepReport:
    expired: int = 0
    requeued_from_dead_workers: int = 0
    requeued_lost: int = 0


def turns_sweep(worker: str, now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    deadline = overdue_if_queued_before(now)
    for turn in Turn.objects.filter(state__in=UNFINISHED_STATES, queued_at__lt=deadline)[:BATCH]:
        turn_stop_request(turn.pk, turn.attempts, DEADLINE)
        if turn_finish(turn.pk, DEADLINE_EXCEEDED):
            report.expired += 1
    live = live_worker_names()
    # Only trust the heartbeats once this worker's own is among them: right after Redis
    # restarts empty, every worker looks dead until it beats again.
    if worker in live:
        orphans = Turn.objects.filter(state=TurnState.RUNNING).exclude(claimed_by__in=live)
        for turn in orphans[:BATCH]:
            if turn_requeue(turn, from_worker=turn.claimed_by, now=now):
                report.requeued_from_dead_workers += 1
    stale = now - timedelta(seconds=settings.CHAT_REQUEUE_AFTER_SECS)
    for turn in Turn.objects.filter(state=TurnState.QUEUED, enqueued_at__lt=stale)[:BATCH]:
        if turn_is_next(turn) and turn_requeue(turn, from_worker=None, now=now):
            report.requeued_lost += 1
    if report != SweepReport():
        logger.warning("turns_swept", extra=report.__dict__)
    return report


def _sweep_forever(worker: str, stop: threading.Event) -> None:
    interval = settings.CHAT_SWEEP_INTERVAL_SECS
    while not stop.wait(interval):
        try:
            # One sweep per interval across all workers.
            if redis_client().set(LOCK_KEY, worker, nx=True, px=int(interval * 1000)):
                turns_sweep(worker)
        except Exception as exc:
            logger.warning("turns_sweep_failed", extra={"error": type(exc).__name__})
        finally:
            close_old_connections()


def start_sweeper(worker: str) -> threading.Event:
    """Sweep in a daemon thread of this worker until the returned event is set."""
    stop = threading.Event()
    threading.Thread(
        target=_sweep_forever, args=(worker, stop), name="turn-sweeper", daemon=True
    ).start()
    return stop
