"""The sweep: deadlines, dead workers and lost messages, each resolved once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from chat.models import Event, TurnState
from chat.turns.lifecycle import turn_claim
from chat.turns.sweeper import turns_sweep
from tests.chat.turns.test_lifecycle import make_overdue, queued_turns

pytestmark = pytest.mark.django_db


def test_a_turn_past_its_deadline_fails_once(
    make_user: Callable[..., Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    (turn,) = queued_turns(make_user(), 1)
    make_overdue(turn, settings.CHAT_TURN_DEADLINE_SECS)
    with django_capture_on_commit_callbacks(execute=False):
        assert turns_sweep("sweeper-test").expired >= 1
        assert turns_sweep("sweeper-test").expired == 0
    failed = Event.objects.get(thread_id=turn.thread_id, kind="turn_failed")
    assert failed.meta["code"] == "deadline_exceeded" and failed.in_reply_to == turn.seq


def test_a_running_turn_of_a_dead_worker_is_queued_again(
    make_user: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    from chat.turns.workers import HEARTBEAT_KEY
    from easy_islanders.redis import redis_client

    redis_client().zadd(HEARTBEAT_KEY, {"sweeper-test": timezone.now().timestamp()})
    (turn,) = queued_turns(make_user(), 1)
    assert turn_claim(turn.pk, "a-worker-that-died") is not None
    report = turns_sweep("sweeper-test")
    turn.refresh_from_db()
    assert report.requeued_from_dead_workers >= 1
    assert turn.state == TurnState.QUEUED and turn.claimed_by == ""
    assert turn_claim(turn.pk, "sweeper-test").attempts == 2  # type: ignore[union-attr]
