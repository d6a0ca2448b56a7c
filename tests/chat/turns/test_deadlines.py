"""A turn's time limit, in one place: CHAT_TURN_DEADLINE_SECS from when it was queued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from chat.models import Turn, TurnState
from chat.turns.deadlines import overdue_if_queued_before, turn_deadline, turn_keys_ttl_secs
from chat.turns.lifecycle import turn_claim
from chat.turns.running import turn_run
from chat.turns.sweeper import turns_sweep
from tests.chat.capture import accepted, committed

QUEUED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_turn_must_end_its_deadline_after_it_was_queued(settings: Any) -> None:
    settings.CHAT_TURN_DEADLINE_SECS = 30
    assert turn_deadline(QUEUED_AT) == datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
    settings.CHAT_TURN_DEADLINE_SECS = 120
    assert turn_deadline(QUEUED_AT) - QUEUED_AT == timedelta(seconds=120)


def test_turns_queued_before_now_minus_the_deadline_are_overdue(settings: Any) -> None:
    settings.CHAT_TURN_DEADLINE_SECS = 30
    now = QUEUED_AT + timedelta(seconds=31)
    cutoff = overdue_if_queued_before(now)
    assert cutoff == QUEUED_AT + timedelta(seconds=1)
    # The two agree: a turn is overdue at `now` exactly when its deadline has passed.
    for queued_at in (QUEUED_AT, cutoff, cutoff + timedelta(microseconds=1)):
        assert (queued_at < cutoff) == (turn_deadline(queued_at) < now)


def test_a_turns_redis_keys_outlive_any_deadline(settings: Any) -> None:
    settings.CHAT_TURN_DEADLINE_SECS = 45
    assert turn_keys_ttl_secs() == 90


@committed
def test_the_sweep_and_the_worker_use_the_same_deadline(
    make_user: Callable[..., Any], settings: Any, instant_agent: None
) -> None:
    settings.CHAT_TURN_DEADLINE_SECS = 30
    now = timezone.now()
    first, second = (accepted(make_user().pk, "hi")[0] for _ in range(2))
    in_time = Turn.objects.get(request_id=first.message_id)
    late = Turn.objects.get(request_id=second.message_id)
    Turn.objects.filter(pk=in_time.pk).update(queued_at=now - timedelta(seconds=25))
    Turn.objects.filter(pk=late.pk).update(queued_at=now - timedelta(seconds=35))
    assert turns_sweep("w-deadline", now=now).expired == 1
    turn_run(in_time.pk, "w-deadline")
    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.state == TurnState.FAILED and late.reply is not None
    assert late.reply.meta["code"] == "deadline_exceeded"
    assert in_time.state == TurnState.SUCCEEDED  # 25 s of 30: it still ran
    assert turn_claim(late.pk, "w-deadline") is None
