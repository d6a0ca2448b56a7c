"""The OpenAI-compatible provider and its failure policy, against a real HTTP server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest

from agents.base import AgentChunk, AgentRequest, FinalAnswer, HistoryMessage, TextPiece
from agents.local.agent import LocalAgent
from agents.providers.event_stream import completion_deltas
from agents.providers.openai_compatible import OpenAICompatibleAgent
from agents.resilience import DEGRADED_NOTE, RetryPolicy, TransientLLMError, WithFallback
from tests.agents.collect import collected
from tests.fake_llm import Behaviour, FakeLLM

pytestmark = pytest.mark.django_db

FAST_RETRIES = RetryPolicy(
    attempts=3, base_delay_secs=0.01, max_delay_secs=0.05, fallback_reserve_secs=0
)


def agent(fake: FakeLLM, timeout: float = 5) -> WithFallback:
    client = openai.AsyncOpenAI(
        base_url=fake.base_url, api_key="sk-test-key", max_retries=0, timeout=timeout
    )
    return WithFallback(
        OpenAICompatibleAgent(client, "fake-model", timeout), LocalAgent(), FAST_RETRIES
    )


def ask(
    fake: FakeLLM, message: str, history: tuple[str, ...] = (), **kw: Any
) -> tuple[str, FinalAnswer]:
    request = AgentRequest(
        thread_id="t",
        message=message,
        correlation_id="cid-llm",
        history=tuple(HistoryMessage("user", h) for h in history),
        deadline_at=time.time() + 30,
    )
    chunks: list[AgentChunk] = collected(agent(fake, **kw).stream(request))
    final = chunks[-1]
    assert isinstance(final, FinalAnswer)
    assert all(isinstance(c, TextPiece) for c in chunks[:-1])
    return "".join(c.text for c in chunks[:-1] if isinstance(c, TextPiece)), final


def test_it_streams_the_llms_words_with_the_turns_correlation_id(fake_llm: FakeLLM) -> None:
    text, final = ask(fake_llm, "hello")
    assert text == "Hello from the fake LLM." and final.degraded is False
    assert final.recommendations == []
    request = fake_llm.requests[0]
    assert request.headers["x-correlation-id"] == "cid-llm"
    assert request.headers["authorization"] == "Bearer sk-test-key"
    assert request.body["stream"] is True and request.body["model"] == "fake-model"
    assert request.body["messages"][-1] == {"role": "user", "content": "hello"}


def test_tool_calls_bring_cards_that_keep_every_stated_constraint(fake_llm: FakeLLM) -> None:
    # The LLM asks for the wrong size and no budget; the person's own words still rule.
    fake_llm.then(
        Behaviour(
            tool_call={
                "name": "search_listings",
                "arguments": {"category": "property_rent_long", "district": "Girne", "bedrooms": 3},
            }
        ),
        Behaviour(text=["Here are some flats in Girne."]),
    )
    text, final = ask(fake_llm, "a 2 bed flat in Kyrenia under £800 a month")
    assert text == "Here are some flats in Girne."
    assert final.recommendations, "the tool call should have found listings"
    for card in final.recommendations:
        assert card["category"] == "property_rent_long" and card["city"] == "Girne"
        assert card["metadata"]["bedrooms"] == 2 and card["metadata"]["kind"] == "apartment"
        assert card["price"]["currency"] == "GBP" and card["price"]["period"] == "month"
        assert card["price"]["amount"] <= 800
    second = fake_llm.requests[1].body["messages"]
    assert second[-2]["tool_calls"][0]["function"]["name"] == "search_listings"
    assert second[-1]["role"] == "tool" and '"listings"' in second[-1]["content"]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_it_retries_a_transient_failure(fake_llm: FakeLLM, status: int) -> None:
    fake_llm.then(Behaviour(status=status))
    text, final = ask(fake_llm, "hello")
    assert text == "Hello from the fake LLM." and final.degraded is False
    assert len(fake_llm.requests) == 2


def test_it_falls_back_to_the_local_agent_when_retries_run_out(fake_llm: FakeLLM) -> None:
    fake_llm.then(*[Behaviour(status=500)] * 3)
    text, final = ask(fake_llm, "need a plumber in Lefkosa")
    assert len(fake_llm.requests) == 3
    assert final.degraded is True and final.agent == "local"
    assert text.startswith(DEGRADED_NOTE) and "plumber" in text
    assert "500" not in text and "scripted failure" not in text
    assert {c["metadata"]["kind"] for c in final.recommendations} == {"plumber"}


def test_a_timeout_is_retried_then_falls_back(fake_llm: FakeLLM) -> None:
    fake_llm.then(*[Behaviour(delay_secs=1.5)] * 3)
    started = time.monotonic()
    text, final = ask(fake_llm, "hi", timeout=0.5)
    assert final.degraded is True and text.startswith(DEGRADED_NOTE)
    assert len(fake_llm.requests) == 3
    assert time.monotonic() - started < 5


def test_a_malformed_stream_is_retried(fake_llm: FakeLLM) -> None:
    fake_llm.then(Behaviour(malformed=True))
    text, final = ask(fake_llm, "hello")
    assert text == "Hello from the fake LLM." and final.degraded is False


def test_it_does_not_retry_what_cannot_pass(fake_llm: FakeLLM) -> None:
    fake_llm.then(Behaviour(status=401))
    _, final = ask(fake_llm, "hello")
    assert len(fake_llm.requests) == 1 and final.degraded is True


def test_it_stops_retrying_at_the_turns_deadline(fake_llm: FakeLLM) -> None:
    fake_llm.then(*[Behaviour(status=500)] * 3)
    slow = WithFallback(
        agent(fake_llm).primary,
        LocalAgent(),
        RetryPolicy(attempts=3, base_delay_secs=5, fallback_reserve_secs=1),
    )
    request = AgentRequest(
        thread_id="t", message="hi", history=(), correlation_id="c", deadline_at=time.time() + 3
    )
    final = collected(slow.stream(request))[-1]
    assert isinstance(final, FinalAnswer) and final.degraded is True
    assert len(fake_llm.requests) == 1  # a 2.5-5 s backoff + 1 s reserve would overrun it


def test_a_failing_fallback_fails_the_turn(fake_llm: FakeLLM) -> None:
    class Broken(LocalAgent):
        def answer(self, request: AgentRequest) -> Any:
            raise RuntimeError("catalog down")

    fake_llm.then(Behaviour(status=400))
    failing = WithFallback(agent(fake_llm).primary, Broken(), FAST_RETRIES)
    request = AgentRequest(thread_id="t", message="hi", history=(), correlation_id="c")
    with pytest.raises(RuntimeError):
        collected(failing.stream(request))


@pytest.mark.parametrize(
    ("message", "hint", "language"),
    [
        ("Снять машину в Фамагусте на неделю", None, "Russian"),
        ("girnede kiralik 2+1 daire", None, "Turkish"),
        ("a flat in Girne", "tr", "Turkish"),
        ("a flat in Girne", None, "English"),
    ],
)
def test_the_system_prompt_names_the_threads_language(
    fake_llm: FakeLLM, message: str, hint: str | None, language: str
) -> None:
    request = AgentRequest(
        thread_id="t",
        message=message,
        correlation_id="cid-llm",
        history=(),
        deadline_at=time.time() + 30,
        language=hint,
    )
    collected(agent(fake_llm).stream(request))
    system = fake_llm.requests[0].body["messages"][0]
    assert system["role"] == "system" and f"reply in {language}" in system["content"]


def test_a_degraded_answer_is_in_the_persons_language(fake_llm: FakeLLM) -> None:
    fake_llm.then(*[Behaviour(status=500)] * 3)
    text, final = ask(fake_llm, "Снять машину в Фамагусте на неделю")
    assert final.degraded is True and text.startswith("(Основной ассистент")
    assert {c["city"] for c in final.recommendations} == {"Gazimağusa"}
    assert {c["category"] for c in final.recommendations} == {"car_rental"}


@pytest.mark.parametrize(
    ("message", "district", "bedrooms"),
    [
        ("Girne'de kiralık 3+1 villa 1500 sterlin", "Girne", 3),
        ("снять квартиру в фамагусте на долгий срок, 2 спальни, до 700 фунтов", "Gazimağusa", 2),
    ],
)
def test_constraints_stated_in_turkish_or_russian_rule_the_llms_searches(
    fake_llm: FakeLLM, message: str, district: str, bedrooms: int
) -> None:
    fake_llm.then(
        Behaviour(
            tool_call={
                "name": "search_listings",
                "arguments": {"category": "property_sale", "district": "İskele", "bedrooms": 1},
            }
        ),
        Behaviour(text=["..."]),
    )
    _, final = ask(fake_llm, message)
    assert final.recommendations
    for card in final.recommendations:
        assert card["category"] == "property_rent_long" and card["city"] == district
        assert card["metadata"]["bedrooms"] == bedrooms
        assert (card["price"]["currency"], card["price"]["period"]) == ("GBP", "month")


def test_the_event_stream_is_read_as_the_protocol_writes_it() -> None:
    async def event_stream(lines: list[str]) -> AsyncIterator[str]:
        for line in lines:
            yield line

    lines = event_stream(
        [
            ": a comment line, ignored",
            "",
            'data: {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}',
            'data:{"choices": [{"index": 0, "delta": {"content": "no space after the colon"}}]}',
            'data: {"choices": []}',
            "event: ignored",
            'data: {"choices": [{"index": 0, "delta": {"content": "last"}}]}',
            "data: [DONE]",
            'data: {"choices": [{"index": 0, "delta": {"content": "after the end"}}]}',
        ]
    )
    deltas = collected(completion_deltas(lines))
    assert deltas == [
        {"role": "assistant"},
        {"content": "no space after the colon"},
        {"content": "last"},
    ]


def test_a_stream_that_stalls_after_it_began_is_a_transient_failure(fake_llm: FakeLLM) -> None:
    # The headers and the first event come at once, then nothing for longer than the timeout.
    fake_llm.then(Behaviour(text=["never"], piece_delay_secs=1.5))
    client = openai.AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-test", max_retries=0)
    llm = OpenAICompatibleAgent(client, "fake-model", timeout_secs=0.5)
    request = AgentRequest(
        thread_id="t", message="hi", correlation_id="cid", history=(), deadline_at=time.time() + 30
    )
    with pytest.raises(TransientLLMError, match=r"stream broke \(ReadTimeout\)"):
        collected(llm.stream(request))
