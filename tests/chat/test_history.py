"""Reading a thread back: the events page (ORM, from a thread) and the socket side's SQL on the
hot path's pool (events_after, thread_states) agree on the same committed rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from chat.events import durable_envelope
from chat.history import RunningTurn, ThreadState, events_after, events_page, thread_states
from chat.models import Thread, Turn
from chat.turns.lifecycle import AGENT_FAILED, Reply, turn_claim, turn_finish
from tests.chat.capture import QUICK_HASHERS, accepted, committed, run_async


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = QUICK_HASHERS


pytestmark = committed

CARDS = [{"id": "L1", "title": "Sea-view flat", "price": {"amount": "650", "currency": "GBP"}}]


def turn_of(message_id: uuid.UUID) -> Turn:
    return Turn.objects.get(request_id=message_id)


@pytest.fixture
def thread(make_user: Callable[..., Any]) -> Thread:
    """A thread with every kind of event: a reply with cards, a failure, and a turn running.
    Each message is accepted once the previous turn ended (so no turn is handed on)."""
    user = make_user()
    chosen = uuid.uuid4()
    (first,) = accepted(user.pk, "Flats in Girne?", client_msg_id=chosen)
    turn_claim(turn_of(first.message_id).pk, "w-history")
    turn_finish(
        turn_of(first.message_id).pk,
        Reply(text="Here is one.", agent="test", recommendations=CARDS),
    )
    (second,) = accepted(user.pk, "Ve Lefkoşa?", thread_id=first.thread_id, meta={"language": "tr"})
    turn_claim(turn_of(second.message_id).pk, "w-history")
    turn_finish(turn_of(second.message_id).pk, AGENT_FAILED)
    (third,) = accepted(user.pk, "And cars?", thread_id=first.thread_id)
    turn_claim(turn_of(third.message_id).pk, "w-history")
    return Thread.objects.get(pk=first.thread_id)


def test_the_page_and_the_hot_path_read_the_same_envelopes(thread: Thread) -> None:
    page = [durable_envelope(event) for event in events_page(thread.pk, 0, 100)]
    assert page == run_async(events_after(thread.pk, 0, 100))
    assert [(e["seq"], e["event"]) for e in page] == [
        (1, "user_message"),
        (2, "assistant_message"),
        (3, "user_message"),
        (4, "turn_failed"),
        (5, "user_message"),
    ]
    assert page[1]["payload"]["recommendations"] == CARDS and page[1]["in_reply_to"] == 1
    assert page[0]["payload"]["client_msg_id"] is not None
    assert page[3]["payload"]["code"] == "agent_error" and page[3]["in_reply_to"] == 3


def test_they_agree_on_every_window(thread: Thread) -> None:
    for after_seq, limit in [(0, 2), (2, 2), (3, 100), (5, 10), (99, 1)]:
        page = [durable_envelope(event) for event in events_page(thread.pk, after_seq, limit)]
        hot = run_async(events_after(thread.pk, after_seq, limit))
        assert page == hot
        expected = list(range(after_seq + 1, min(5, after_seq + limit) + 1))
        assert [e["seq"] for e in hot] == expected, (after_seq, limit)


def test_another_threads_events_are_not_read(thread: Thread, make_user: Callable[..., Any]) -> None:
    (other,) = accepted(make_user().pk, "Someone else's thread")
    hot = run_async(events_after(thread.pk, 0, 100))
    assert {e["thread_id"] for e in hot} == {str(thread.pk)}
    assert [e["seq"] for e in run_async(events_after(other.thread_id, 0, 100))] == [1]


def test_thread_states_say_where_each_thread_stands(
    thread: Thread, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    (idle,) = accepted(user.pk, "hi")
    idle_turn = turn_of(idle.message_id)
    turn_claim(idle_turn.pk, "w-history")
    turn_finish(idle_turn.pk, Reply(text="hello", agent="test"))
    missing = uuid.uuid4()
    states = run_async(thread_states([thread.pk, idle.thread_id, missing]))
    running = Turn.objects.get(thread=thread, state="running")
    assert states == {
        thread.pk: ThreadState(
            owner_id=thread.owner_id,
            head_seq=5,
            running=RunningTurn(
                id=running.pk, seq=5, correlation_id=running.correlation_id, attempt=1
            ),
        ),
        idle.thread_id: ThreadState(owner_id=user.pk, head_seq=2, running=None),
    }
    # As the ORM sees the same rows.
    assert Thread.objects.get(pk=thread.pk).head_seq == states[thread.pk].head_seq
    assert events_page(thread.pk, 0, 100)[-1].seq == states[thread.pk].head_seq
    assert run_async(thread_states([])) == {}
