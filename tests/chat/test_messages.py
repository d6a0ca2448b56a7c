"""Accepting messages: seq allocation, idempotency, validation, ownership."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings

from chat.errors import EmptyMessage, InvalidMessage, MessageTooLong, ThreadForbidden
from chat.messages import message_accept
from chat.models import Event, Turn, TurnState
from chat.threads import thread_create

pytestmark = pytest.mark.django_db


def accept(user: Any, text: str = "hi", **kwargs: Any) -> Any:
    kwargs.setdefault("thread_id", None)
    kwargs.setdefault("client_msg_id", None)
    return message_accept(user_id=user.pk, text=text, correlation_id="cid-1", **kwargs)


def test_it_numbers_a_threads_events_from_one_without_gaps(make_user: Callable[..., Any]) -> None:
    user = make_user()
    seqs = [accept(user, f"m{i}").seq for i in range(3)]
    assert seqs == [1, 2, 3]
    acceptance = accept(user)
    assert acceptance.status == TurnState.QUEUED and acceptance.idempotent is False
    turns = Turn.objects.filter(thread_id=acceptance.thread_id).order_by("seq")
    assert [t.seq for t in turns] == [1, 2, 3, 4]


def test_it_stores_the_message_and_its_turn_with_the_correlation_id(
    make_user: Callable[..., Any],
) -> None:
    acceptance = accept(make_user(), "  Hello there  ")
    event = Event.objects.get(pk=acceptance.message_id)
    assert (event.kind, event.role, event.content) == ("user_message", "user", "Hello there")
    assert event.correlation_id == "cid-1" and event.turn.correlation_id == "cid-1"
    assert event.client_msg_id == acceptance.client_msg_id


def test_it_returns_the_first_acceptance_for_a_resend(make_user: Callable[..., Any]) -> None:
    user = make_user()
    client_msg_id = uuid.uuid4()
    first = accept(user, client_msg_id=client_msg_id)
    again = accept(user, "changed text", client_msg_id=client_msg_id)
    assert again.idempotent is True
    assert (again.message_id, again.seq, again.thread_id) == (
        first.message_id,
        first.seq,
        first.thread_id,
    )
    assert Event.objects.filter(thread_id=first.thread_id).count() == 1


def test_it_publishes_and_enqueues_only_after_commit(
    make_user: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accept(make_user())
    assert len(callbacks) == 2  # publish the user message, then enqueue its turn


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_it_refuses_an_empty_message(make_user: Callable[..., Any], text: str) -> None:
    with pytest.raises(EmptyMessage):
        accept(make_user(), text)


@override_settings(CHAT_MAX_MESSAGE_CHARS=10)
def test_it_refuses_a_message_over_the_limit(make_user: Callable[..., Any]) -> None:
    user = make_user()
    assert accept(user, "x" * 10).seq == 1
    with pytest.raises(MessageTooLong):
        accept(user, "x" * 11)


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_it_refuses_characters_postgresql_cannot_store(
    make_user: Callable[..., Any], text: str
) -> None:
    with pytest.raises(InvalidMessage):
        accept(make_user(), text)


def test_it_refuses_another_users_thread(make_user: Callable[..., Any]) -> None:
    owner, outsider = make_user(), make_user()
    thread = thread_create(owner.pk)
    with pytest.raises(ThreadForbidden):
        accept(outsider, thread_id=thread.pk)
    assert not Event.objects.filter(thread=thread).exists()


def test_it_uses_and_reuses_the_active_thread(make_user: Callable[..., Any]) -> None:
    user = make_user()
    first = accept(user)
    assert accept(user).thread_id == first.thread_id
    newer = thread_create(user.pk)
    assert accept(user).thread_id == newer.pk
