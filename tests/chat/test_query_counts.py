"""The chat path's hot queries, pinned: a change that adds a query here is a deliberate one.

Each query is served by an index (see the models' Meta): thread by owner/activity and the one
active thread per owner; events by (thread, seq) and (thread, client_msg_id); unfinished turns
by (thread, seq); the backlog by queued_at; correlation ids for chat_trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from chat.history import events_page
from chat.messages import message_accept
from chat.models import Turn
from chat.turns.lifecycle import Reply, turn_claim, turn_finish

pytestmark = pytest.mark.django_db


def test_accepting_a_message_is_one_statement(
    make_user: Callable[..., Any],
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user()
    first = message_accept(
        user_id=user.pk, text="hi", thread_id=None, client_msg_id=None, correlation_id="c"
    )
    client_msg_id = uuid.uuid4()
    for thread_id, chosen in (
        (None, None),
        (first.thread_id, client_msg_id),
        (None, client_msg_id),
    ):
        # chat_accept(): thread, owner, (resend check,) seq, event and turn in one round trip
        with django_capture_on_commit_callbacks(), django_assert_num_queries(1):
            accepted = message_accept(
                user_id=user.pk,
                text="again",
                thread_id=thread_id,
                client_msg_id=chosen,
                correlation_id="c",
            )
    assert accepted.idempotent and accepted.client_msg_id == client_msg_id


def test_claiming_and_finishing_a_turn(
    make_user: Callable[..., Any],
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user()
    accepted = message_accept(
        user_id=user.pk, text="hi", thread_id=None, client_msg_id=None, correlation_id="c"
    )
    turn = Turn.objects.get(request_id=accepted.message_id)
    with django_assert_num_queries(1):
        # chat_claim(): read, earlier-unfinished check, conditional update, message, history
        claimed = turn_claim(turn.pk, "w")
    assert claimed is not None and claimed.message == "hi"
    with django_capture_on_commit_callbacks(), django_assert_num_queries(1):
        # chat_finish(): lock, conditional update, seq, event, reply link, next waiting turn
        assert turn_finish(turn.pk, Reply(text="ok", agent="test"), worker="w") is not None


def test_a_history_page_is_one_query(
    make_user: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    user = make_user()
    accepted = message_accept(
        user_id=user.pk, text="hi", thread_id=None, client_msg_id=None, correlation_id="c"
    )
    with django_assert_num_queries(1):
        events_page(accepted.thread_id, 0, 100)
