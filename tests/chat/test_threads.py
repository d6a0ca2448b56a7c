"""Threads are named after their first message, renamed and deleted by their owner only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chat.errors import ThreadForbidden, ThreadNotFound
from chat.messages import message_accept
from chat.models import Event, Thread, Turn
from chat.threads import (
    TITLE_MAX_CHARS,
    thread_create,
    thread_delete,
    thread_rename,
    thread_title_from_message,
)

pytestmark = pytest.mark.django_db


def accept(user: Any, thread: Thread, text: str) -> None:
    message_accept(
        user_id=user.pk, text=text, thread_id=thread.pk, client_msg_id=None, correlation_id="c"
    )


def test_a_title_is_the_first_line_of_words_cut_at_a_word() -> None:
    assert thread_title_from_message("  2 bed flat\n in   Kyrenia ") == "2 bed flat in Kyrenia"
    long = "I am looking for a quiet three bedroom villa with a private pool near Bellapais"
    title = thread_title_from_message(long)
    assert len(title) <= TITLE_MAX_CHARS and title.endswith("…")
    assert long.startswith(title[:-1]) and long[len(title) - 1] == " "
    unbroken = "x" * 100
    assert thread_title_from_message(unbroken) == "x" * (TITLE_MAX_CHARS - 1) + "…"


def test_the_first_message_names_the_thread_and_later_ones_do_not(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    thread = thread_create(user.pk)
    accept(user, thread, "Car hire at Ercan airport")
    accept(user, thread, "Something else")
    thread.refresh_from_db()
    assert thread.title == "Car hire at Ercan airport"


def test_a_rename_sticks_and_a_blank_one_lets_the_next_message_name_it(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    thread = thread_create(user.pk)
    accept(user, thread, "first")
    assert thread_rename(user.pk, thread.pk, "  Villa   hunt ").title == "Villa hunt"
    accept(user, thread, "second")
    assert Thread.objects.get(pk=thread.pk).title == "Villa hunt"
    thread_rename(user.pk, thread.pk, "")
    accept(user, thread, "third")
    assert Thread.objects.get(pk=thread.pk).title == "third"


def test_only_the_owner_renames_or_deletes(make_user: Callable[..., Any]) -> None:
    owner, outsider = make_user(), make_user()
    thread = thread_create(owner.pk, "mine")
    with pytest.raises(ThreadForbidden):
        thread_rename(outsider.pk, thread.pk, "theirs")
    with pytest.raises(ThreadForbidden):
        thread_delete(outsider.pk, thread.pk)
    assert Thread.objects.get(pk=thread.pk).title == "mine"


def test_a_deleted_thread_takes_its_events_and_turns_with_it(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    thread = thread_create(user.pk)
    accept(user, thread, "hello")
    thread_delete(user.pk, thread.pk)
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert not Event.objects.filter(thread_id=thread.pk).exists()
    assert not Turn.objects.filter(thread_id=thread.pk).exists()
    with pytest.raises(ThreadNotFound):
        thread_delete(user.pk, thread.pk)
