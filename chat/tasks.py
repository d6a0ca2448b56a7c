"""Celery adapter: a turn id in, the domain's turn_run out."""

from __future__ import annotations

from uuid import UUID

from celery import shared_task

from chat.turns import RUN_TURN_TASK, turn_run


@shared_task(name=RUN_TURN_TASK)
def run_turn(turn_id: str) -> None:
    turn_run(UUID(turn_id))
