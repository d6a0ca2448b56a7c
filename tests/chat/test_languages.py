"""The reply's language through the chat: the client's hint stored with the message, handed
to the agent, kept for the thread, and used for the failures people see."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from agents.base import AgentRequest
from agents.local.agent import LocalAgent
from agents.local.slots_to_reply import Answer
from chat.messages import message_accept
from chat.models import Event, EventKind, Turn, TurnState
from chat.turns.lifecycle import AGENT_FAILED, Reply, turn_claim, turn_finish
from chat.turns.running import agent_request

pytestmark = pytest.mark.django_db


def send(user: Any, text: str, language: str | None = None, thread_id: Any = None) -> Turn:
    acceptance = message_accept(
        user_id=user.pk,
        text=text,
        thread_id=thread_id,
        client_msg_id=None,
        correlation_id="cid-lang",
        meta={"language": language} if language else None,
    )
    return Turn.objects.get(request_id=acceptance.message_id)


def request_for(turn: Turn) -> AgentRequest:
    """The agent's request as the worker builds it for the claimed turn."""
    claimed = turn_claim(turn.pk, "w1")
    assert claimed is not None
    return agent_request(claimed, deadline_at=float("inf"))


def reply_to(turn: Turn) -> Answer:
    """The local agent's answer to the turn, from the request the worker builds for it."""
    return LocalAgent(today=lambda: date(2026, 11, 26)).answer(request_for(turn))


def test_the_hint_is_kept_with_the_message_and_handed_to_the_agent(
    make_user: Callable[..., Any],
) -> None:
    turn = send(make_user(), "2 bed flat in Kyrenia", language="ru")
    assert Event.objects.get(pk=turn.request_id).meta == {"language": "ru"}
    assert request_for(turn).language == "ru"
    without = send(make_user(), "2 bed flat in Kyrenia")
    assert Event.objects.get(pk=without.request_id).meta == {}
    assert request_for(without).language is None


def test_the_local_agent_answers_in_the_message_language_and_keeps_it(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    first = send(user, "Alsancak'ta kiralık 2+1 daire, aylık 900 sterline kadar")
    reply = reply_to(first)
    assert "buldum" in reply.text and reply.cards
    assert all(card["area"] == "Alsancak" for card in reply.cards)
    turn_finish(first.pk, Reply(text=reply.text, agent="local", recommendations=reply.cards))
    # A message that does not tell (numbers and a place) keeps the thread's language.
    second = send(user, "3+1, 1200", thread_id=first.thread_id)
    assert "buldum" in reply_to(second).text


def test_the_clients_hint_wins_over_the_words(make_user: Callable[..., Any]) -> None:
    reply = reply_to(send(make_user(), "2 bed apartment lefkosa 500", language="ru"))
    assert "Нашёл" in reply.text and "долгосрочн" in reply.text
    assert {card["category"] for card in reply.cards} == {"property_rent_long"}


def test_a_failure_is_told_in_the_threads_language(make_user: Callable[..., Any]) -> None:
    turn = send(make_user(), "Снять машину в Фамагусте на неделю")
    turn_claim(turn.pk, "w1")
    event = turn_finish(turn.pk, AGENT_FAILED)
    assert event is not None and event.kind == EventKind.TURN_FAILED
    assert event.content.startswith("Извините") and event.meta["code"] == "agent_error"
    english = send(make_user(), "a car in Famagusta for a week")
    turn_claim(english.pk, "w1")
    failed = turn_finish(english.pk, AGENT_FAILED)
    assert failed is not None and failed.content == AGENT_FAILED.message
    english.refresh_from_db()
    assert english.state == TurnState.FAILED


@pytest.mark.parametrize(
    ("language", "status"),
    [("tr", 202), ("ru", 202), ("en", 202), ("de", 400), ("TR", 400), (None, 400), (1, 400)],
)
def test_the_api_takes_only_the_three_languages(
    make_user: Callable[..., Any], language: object, status: int
) -> None:
    user = make_user()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    body = json.dumps({"message": "merhaba", "language": language})
    response = client.post("/api/chat/", body, content_type="application/json")
    assert response.status_code == status, response.content
    if status == 400:
        error = response.json()["error"]
        assert error["code"] == "invalid_request" and "language" in error["fields"]
