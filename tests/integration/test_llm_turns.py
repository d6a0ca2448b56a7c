"""Turns answered by an OpenAI-compatible LLM (our loopback server) through the live stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fake_llm import Behaviour, FakeLLM
from tests.integration.conftest import stack_env
from tests.integration.stack import LiveStack, is_terminal, running_stack, typing_off
from tests.integration.test_chat_turn import send


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture(scope="module")
def llm_stack(
    live_stack: LiveStack,
    llm: FakeLLM,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveStack]:
    log_dir = tmp_path_factory.mktemp("llm-stack")
    with django_db_blocker.unblock():
        # The same system (database, Redis), with workers of its own on a queue of its own.
        env = stack_env(
            log_dir,
            CHAT_QUEUE="chat-llm",
            LLM_BASE_URL=llm.base_url,
            LLM_API_KEY="sk-fake",
            LLM_MODEL="fake-model",
            LLM_TIMEOUT_SECS="5",
        )
    with running_stack(env, log_dir, name="llm") as stack:
        yield stack


def reply_to(stack: LiveStack, token: str, text: str) -> dict[str, Any]:
    with stack.client(token) as http:
        thread_id = http.post("/api/chat/threads/", json={}).json()["thread_id"]
    with stack.socket(thread_id, token, last_seq=0) as ws:
        ws.frame()
        accepted = send(stack, token, thread_id, text).json()
        frames = ws.until(typing_off, timeout=30)
    reply = next((f for f in frames if is_terminal(f)), None)
    assert reply is not None, [(f["event"], f["payload"]) for f in frames]
    assert reply["correlation_id"] == accepted["correlation_id"]
    streamed = "".join(f["payload"]["text"] for f in frames if f["event"] == "token")
    assert streamed == reply["payload"]["text"]
    return reply


def test_an_llm_turn_streams_its_words_and_recommends_from_the_catalog(
    llm_stack: LiveStack, llm: FakeLLM, owner: tuple[Any, str]
) -> None:
    llm.then(
        Behaviour(
            tool_call={
                "name": "search_listings",
                "arguments": {"category": "car_rental", "district": "Girne"},
            }
        ),
        Behaviour(text=["I found ", "some cars ", "in Girne."]),
    )
    reply = reply_to(llm_stack, owner[1], "I need an SUV in Kyrenia, max £90 a day")
    payload = reply["payload"]
    assert payload["text"] == "I found some cars in Girne."
    assert payload["agent"] == "openai" and payload["degraded"] is False
    assert payload["recommendations"]
    for card in payload["recommendations"]:
        assert card["category"] == "car_rental" and card["city"] == "Girne"
        assert card["metadata"]["kind"] == "suv" and card["price"]["amount"] <= 90
    assert llm.requests[-1].headers["x-correlation-id"] == reply["correlation_id"]


def test_an_llm_outage_degrades_to_the_local_agent(
    llm_stack: LiveStack, llm: FakeLLM, owner: tuple[Any, str]
) -> None:
    llm.then(*[Behaviour(status=503)] * 3)
    reply = reply_to(llm_stack, owner[1], "need a plumber in Lefkosa")
    payload = reply["payload"]
    assert reply["event"] == "assistant_message"
    assert payload["degraded"] is True and payload["agent"] == "local"
    assert "plumber" in payload["text"] and "503" not in payload["text"]
    assert {c["metadata"]["kind"] for c in payload["recommendations"]} == {"plumber"}
