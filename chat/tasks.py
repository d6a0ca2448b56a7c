"""Celery adapters: a turn id in, the domain's turn_run out (the pool thread waits while the
turn runs on the process's turn loop, so the task is acknowledged once the turn has ended);
and, for each worker process, its heartbeat and the periodic sweep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown

from agents.registry import supervisor_agent
from chat.turns.loop import turn_loop
from chat.turns.queueing import RUN_TURN_TASK
from chat.turns.running import turn_run
from chat.turns.sweeper import start_sweeper
from chat.turns.workers import Heartbeat


# The name stays "chat.run_turn" whatever module holds it, so queued tasks survive a deploy.
@shared_task(name=RUN_TURN_TASK, bind=True)
def run_turn(self: Any, turn_id: str) -> None:
    turn_run(UUID(turn_id), worker=self.request.hostname or "unknown")


# What this worker process started, stopped on shutdown in this order: the sweep, the beat,
# then the turn loop (its tasks have all returned by then).
_on_shutdown: list[Callable[[], None]] = []


@worker_ready.connect
def _worker_ready(sender: Any, **_: Any) -> None:
    # The agent is built (and its modules imported, ~0.8 s) before the first turn, not by it.
    supervisor_agent()
    # The heartbeat first: the sweep trusts the heartbeats only once its own is among them.
    heartbeat = Heartbeat(sender.hostname)
    heartbeat.start()
    sweep_stopped = start_sweeper(sender.hostname)
    _on_shutdown.extend([sweep_stopped.set, heartbeat.stop, turn_loop.stop])


@worker_shutdown.connect
def _worker_shutdown(**_: Any) -> None:
    for stop in _on_shutdown:
        stop()
