"""A turn's life: claim once, run in thread order, end with exactly one terminal event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.messages import message_accept
from chat.models import Event, Turn, TurnState
from chat.turns.lifecycle import (
    AGENT_FAILED,
    Failure,
    Reply,
    _in_thread_language,
    turn_claim,
    turn_finish,
)

pytestmark = pytest.mark.django_db


def queued_turns(user: Any, count: int) -> list[Turn]:
    acceptances = [
        message_accept(
            user_id=user.pk,
            text=f"m{i}",
            thread_id=None,
            client_msg_id=None,
            correlation_id=f"cid-{i}",
        )
        for i in range(count)
    ]
    return [Turn.objects.get(request_id=a.message_id) for a in acceptances]


def make_overdue(turn: Turn, deadline_secs: int) -> None:
    """As if the turn had been queued longer ago than its deadline allows."""
    long_ago = timezone.now() - timedelta(seconds=deadline_secs + 1)
    Turn.objects.filter(pk=turn.pk).update(queued_at=long_ago)


def test_it_claims_a_turn_once(make_user: Callable[..., Any]) -> None:
    (turn,) = queued_turns(make_user(), 1)
    claimed = turn_claim(turn.id, "w1")
    assert claimed is not None and claimed.state == TurnState.RUNNING and claimed.attempts == 1
    assert turn_claim(turn.id, "w1") is None  # a second delivery of the same task
    turn.refresh_from_db()
    assert turn.started_at is not None and turn.attempts == 1


def test_it_holds_a_turn_back_while_an_earlier_one_is_unfinished(
    make_user: Callable[..., Any],
) -> None:
    first, second = queued_turns(make_user(), 2)
    assert turn_claim(second.id, "w1") is None  # first is still queued
    assert turn_claim(first.id, "w1") is not None
    assert turn_claim(second.id, "w1") is None  # first is running
    turn_finish(first.id, Reply(text="done", agent="test"))
    assert turn_claim(second.id, "w1") is not None


def test_it_stores_one_terminal_event_with_the_reply(make_user: Callable[..., Any]) -> None:
    (turn,) = queued_turns(make_user(), 1)
    turn_claim(turn.id, "w1")
    cards = [{"id": "L1", "title": "Flat"}]
    event = turn_finish(turn.id, Reply(text="Here you go.", agent="test", recommendations=cards))
    assert event is not None
    assert (event.kind, event.seq, event.in_reply_to) == ("assistant_message", 2, 1)
    assert event.meta["recommendations"] == cards  # the cards are stored, not only sent
    assert event.correlation_id == turn.correlation_id
    turn.refresh_from_db()
    assert turn.state == TurnState.SUCCEEDED and turn.reply_id == event.id and turn.finished_at
    stored = Event.objects.get(pk=event.id)  # the row is what was announced
    assert (stored.kind, stored.seq, stored.meta) == (event.kind, event.seq, event.meta)


def test_it_never_stores_a_second_terminal_event(make_user: Callable[..., Any]) -> None:
    (turn,) = queued_turns(make_user(), 1)
    turn_claim(turn.id, "w1")
    assert turn_finish(turn.id, AGENT_FAILED) is not None
    assert turn_finish(turn.id, Reply(text="late", agent="test")) is None
    kinds = list(Event.objects.filter(thread_id=turn.thread_id).values_list("kind", flat=True))
    assert kinds == ["user_message", "turn_failed"]
    turn.refresh_from_db()
    assert turn.state == TurnState.FAILED


def test_a_cancelled_reply_ends_the_turn_as_cancelled(make_user: Callable[..., Any]) -> None:
    (turn,) = queued_turns(make_user(), 1)
    turn_claim(turn.id, "w1")
    event = turn_finish(turn.id, Reply(text="Half", agent="test", cancelled=True))
    assert event is not None and event.meta["cancelled"] is True
    turn.refresh_from_db()
    assert turn.state == TurnState.CANCELLED


def test_cancelling_a_queued_turn_ends_it_at_once(make_user: Callable[..., Any]) -> None:
    from chat.turns.lifecycle import turn_cancel

    user = make_user()
    first, second = queued_turns(user, 2)
    assert turn_cancel(user.pk, first.thread_id, in_reply_to=second.seq) == second
    second.refresh_from_db()
    assert second.state == TurnState.CANCELLED and second.cancel_requested_at
    assert second.reply is not None
    reply = second.reply
    assert reply.meta["cancelled"] is True and reply.content == ""
    assert turn_cancel(user.pk, first.thread_id, in_reply_to=99) is None


@pytest.mark.django_db
def test_a_failure_the_agent_has_no_words_for_reads_nothing() -> None:
    unworded = Failure(code="no_words_for_this", message="As it is.", retryable=False)
    with CaptureQueriesContext(connection) as queries:
        assert _in_thread_language(unworded, uuid.uuid4()) is unworded
    assert len(queries) == 0  # the thread's messages are read only to word a known failure
