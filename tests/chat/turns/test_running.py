"""Running a turn end to end, on the real PostgreSQL and Redis: exactly one terminal event,
and on the thread's channel `typing: true` → tokens → the terminal event → `typing: false`.

The agent is the tests' fake LLM (OpenAI's protocol on loopback) or, for the paths an LLM
cannot be made to take on cue (a failure mid-stream, a stop between pieces), a scripted agent
in its place.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from django.utils import timezone

from agents.base import AgentChunk, AgentRequest, FinalAnswer, TextPiece
from chat.models import Event, EventKind, Turn, TurnState
from chat.turns.lifecycle import turn_cancel
from chat.turns.running import turn_run
from chat.turns.stopping import POLL_SECS, REQUEUED, turn_stop_request
from tests.chat.capture import Published, accepted, agent_configured, committed, published
from tests.fake_llm import Behaviour, FakeLLM

pytestmark = committed


@pytest.fixture
def llm(fake_llm: FakeLLM) -> Iterator[FakeLLM]:
    """The fake LLM answers (the local agent behind it as the fallback)."""
    with agent_configured(CHAT_AGENT="auto", LLM_BASE_URL=fake_llm.base_url, LLM_MAX_ATTEMPTS=1):
        yield fake_llm


Script = Callable[[AgentRequest], AsyncGenerator[AgentChunk, None]]


class Scripted:
    """An agent that runs `script` (an async generator function of the request) as its
    stream."""

    name = "scripted"

    def __init__(self, script: Script) -> None:
        self.script = script

    def stream(self, request: AgentRequest) -> AsyncGenerator[AgentChunk, None]:
        return self.script(request)


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def use(script: Script) -> None:
        monkeypatch.setattr("chat.turns.running.supervisor_agent", lambda: Scripted(script))

    return use


def queued_turn(user: Any, text: str = "Is there a flat in Girne?") -> Turn:
    (acceptance,) = accepted(user.pk, text)
    return Turn.objects.get(request_id=acceptance.message_id)


def terminal_events(turn: Turn) -> list[Event]:
    return list(Event.objects.filter(thread_id=turn.thread_id, in_reply_to=turn.seq))


def assert_announced(frames: Published, turn: Turn, terminal: str) -> list[str]:
    """typing true → tokens → the terminal event → typing false, all about this turn; the
    tokens' texts."""
    sent = frames.of(turn.thread_id)
    events = [frame["event"] for frame in sent]
    assert events[0] == "typing" and sent[0]["payload"] == {"value": True}, events
    assert events[-2:] == [terminal, "typing"] and sent[-1]["payload"] == {"value": False}
    assert set(events[1:-2]) <= {"token"}, events
    assert all(frame["in_reply_to"] == turn.seq for frame in sent)
    assert all(frame["correlation_id"] == turn.correlation_id for frame in sent)
    tokens = [frame["payload"] for frame in sent[1:-2]]
    assert [t["offset"] for t in tokens] == [
        sum(len(p["text"]) for p in tokens[:i]) for i in range(len(tokens))
    ]
    return [str(t["text"]) for t in tokens]


def test_a_turn_with_the_fake_llm_ends_with_one_reply_announced_in_order(
    make_user: Callable[..., Any], llm: FakeLLM
) -> None:
    llm.then(Behaviour(text=["Yes, ", "there are ", "flats ", "in Girne."]))
    turn = queued_turn(make_user())
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    (event,) = terminal_events(turn)
    tokens = assert_announced(frames, turn, "assistant_message")
    assert "".join(tokens) == event.content == "Yes, there are flats in Girne."
    terminal = frames.of(turn.thread_id)[-2]
    assert (terminal["seq"], terminal["payload"]["message_id"]) == (event.seq, str(event.id))
    assert terminal["payload"]["text"] == event.content
    turn.refresh_from_db()
    assert turn.state == TurnState.SUCCEEDED and turn.reply_id == event.id
    assert turn.first_token_at is not None and turn.claimed_by == "w-run"
    (request,) = llm.requests
    assert request.body["messages"][-1]["content"] == "Is there a flat in Girne?"


def test_running_a_turn_again_changes_nothing(make_user: Callable[..., Any], settings: Any) -> None:
    settings.CHAT_AGENT = "instant"
    turn = queued_turn(make_user())
    turn_run(turn.pk, "w-run")
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")  # a second delivery of the task
    assert frames.frames == []
    assert len(terminal_events(turn)) == 1


def test_an_agent_failing_mid_stream_ends_the_turn_failed(
    make_user: Callable[..., Any], agent: Callable[..., None]
) -> None:
    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        yield TextPiece("Let me look")
        raise RuntimeError("the agent broke")

    agent(script)
    turn = queued_turn(make_user())
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    (event,) = terminal_events(turn)
    assert event.kind == EventKind.TURN_FAILED
    assert event.meta == {"code": "agent_error", "retryable": True}
    assert assert_announced(frames, turn, "turn_failed") == ["Let me look"]
    assert frames.of(turn.thread_id)[-2]["payload"]["code"] == "agent_error"
    turn.refresh_from_db()
    assert turn.state == TurnState.FAILED


def test_an_agent_without_a_final_answer_ends_the_turn_failed(
    make_user: Callable[..., Any], agent: Callable[..., None]
) -> None:
    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        yield TextPiece("and then nothing")

    agent(script)
    turn = queued_turn(make_user())
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    (event,) = terminal_events(turn)
    assert event.kind == EventKind.TURN_FAILED and event.meta["code"] == "agent_error"
    assert assert_announced(frames, turn, "turn_failed") == ["and then nothing"]


def test_a_cancel_mid_stream_keeps_the_partial_reply(
    make_user: Callable[..., Any], agent: Callable[..., None]
) -> None:
    user = make_user()
    turn = queued_turn(user)

    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        yield TextPiece("Half of ")
        # The person's stop, from a thread as the HTTP view would make it.
        assert await asyncio.to_thread(turn_cancel, user.pk, UUID(request.thread_id))
        await asyncio.sleep(POLL_SECS * 3)
        yield TextPiece("never sent")
        yield FinalAnswer()

    agent(script)
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    (event,) = terminal_events(turn)
    assert (event.kind, event.content, event.meta["cancelled"]) == (
        EventKind.ASSISTANT_MESSAGE,
        "Half of ",
        True,
    )
    assert assert_announced(frames, turn, "assistant_message") == ["Half of "]
    turn.refresh_from_db()
    assert turn.state == TurnState.CANCELLED and turn.cancel_requested_at is not None


def test_a_turn_out_of_time_mid_stream_fails_with_deadline_exceeded(
    make_user: Callable[..., Any], agent: Callable[..., None], settings: Any
) -> None:
    settings.CHAT_TURN_DEADLINE_SECS = 30

    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        yield TextPiece("Thinking")
        await asyncio.sleep(max(0.0, request.deadline_at - time.time()) + 0.05)
        yield TextPiece("too late")
        yield FinalAnswer()

    agent(script)
    turn = queued_turn(make_user())
    # Queued long ago: a second of its time is left when it starts.
    Turn.objects.filter(pk=turn.pk).update(queued_at=timezone.now() - timedelta(seconds=29))
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    (event,) = terminal_events(turn)
    assert event.kind == EventKind.TURN_FAILED and event.meta["code"] == "deadline_exceeded"
    assert assert_announced(frames, turn, "turn_failed") == ["Thinking"]


def test_a_claim_that_committed_unanswered_is_handed_to_the_broker_again(
    make_user: Callable[..., Any], settings: Any
) -> None:
    # The claim was given up on a silent network and committed once it healed: the turn is
    # this worker's, but the retry was told it is no longer queued, and nothing runs it.
    settings.CHAT_AGENT = "instant"
    turn = queued_turn(make_user())
    Turn.objects.filter(pk=turn.pk).update(
        state=TurnState.RUNNING, claimed_by="w-run", attempts=1, started_at=timezone.now()
    )
    turn_run(turn.pk, "w-run")  # the retry's delivery: nothing to claim
    turn.refresh_from_db()
    assert (turn.state, turn.claimed_by) == (TurnState.QUEUED, "")
    turn_run(turn.pk, "w-run")  # the broker's delivery
    turn.refresh_from_db()
    assert turn.state == TurnState.SUCCEEDED and turn.attempts == 2
    assert len(terminal_events(turn)) == 1


def test_a_turn_requeued_mid_stream_is_left_for_the_next_worker(
    make_user: Callable[..., Any], agent: Callable[..., None]
) -> None:
    turn = queued_turn(make_user())

    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        yield TextPiece("Lost ")
        turn_stop_request(turn.pk, 1, REQUEUED)  # the sweep took it for dead
        await asyncio.sleep(POLL_SECS * 3)
        yield TextPiece("never sent")
        yield FinalAnswer()

    agent(script)
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    assert terminal_events(turn) == []  # whoever ends it announces the end
    assert frames.events(turn.thread_id) == ["typing", "token"]
    turn.refresh_from_db()
    assert turn.state == TurnState.RUNNING and turn.attempts == 1


def test_a_lone_surrogate_from_the_agent_still_ends_the_turn(
    make_user: Callable[..., Any], agent: Callable[..., None]
) -> None:
    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        yield TextPiece("half \ud83d of an emoji")
        yield FinalAnswer()

    agent(script)
    turn = queued_turn(make_user())
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    assert len(terminal_events(turn)) == 1
    assert frames.events(turn.thread_id)[-1] == "typing"
    turn.refresh_from_db()
    assert turn.state != TurnState.RUNNING


def test_a_turn_claimed_after_its_deadline_fails_without_running(
    make_user: Callable[..., Any], agent: Callable[..., None], settings: Any
) -> None:
    async def script(request: AgentRequest) -> AsyncIterator[AgentChunk]:
        raise AssertionError("a turn out of time must not reach its agent")
        yield FinalAnswer()

    agent(script)
    turn = queued_turn(make_user())
    overdue = timezone.now() - timedelta(seconds=settings.CHAT_TURN_DEADLINE_SECS + 1)
    Turn.objects.filter(pk=turn.pk).update(queued_at=overdue)
    with published(turn.thread_id) as frames:
        turn_run(turn.pk, "w-run")
    turn.refresh_from_db()
    assert turn.state == TurnState.FAILED and turn.first_token_at is None
    assert turn.reply is not None and turn.reply.meta["code"] == "deadline_exceeded"
    assert frames.events(turn.thread_id) == ["turn_failed", "typing"]
