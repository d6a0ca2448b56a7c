"""Celery adapters: a turn id in, the domain's turn_run out; and the periodic sweep."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from celery import shared_task
from celery.signals import worker_ready

from chat.queueing import RUN_TURN_TASK
from chat.running import turn_run
from chat.sweeper import start_sweeper


@shared_task(name=RUN_TURN_TASK, bind=True)
def run_turn(self: Any, turn_id: str) -> None:
    turn_run(UUID(turn_id), worker=self.request.hostname or "unknown")


@worker_ready.connect
def _start_sweeper(sender: Any, **_: Any) -> None:
    start_sweeper(sender.hostname)
