"""Running a claimed turn: the agent's request from stored events, the stream, the outcome."""

from __future__ import annotations

import logging
import time
from uuid import UUID

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from agents.base import AgentRequest, FinalAnswer, HistoryMessage, TextPiece
from agents.registry import supervisor_agent
from chat.models import Event, EventKind, Turn
from chat.stopping import CANCEL, DEADLINE, StopWatch
from chat.streaming import DeltaStream
from chat.turns import (
    AGENT_FAILED,
    DEADLINE_EXCEEDED,
    Failure,
    Reply,
    turn_claim,
    turn_finish,
    typing_publish,
)
from observability.metrics import TURN_STAGE

logger = logging.getLogger(__name__)


def turn_run(turn_id: UUID, worker: str) -> None:
    """Run one turn to its single terminal event. Safe to call twice for one turn."""
    turn = turn_claim(turn_id, worker)
    if turn is None:
        logger.info("turn_claim_skipped", extra={"turn_id": str(turn_id)})
        return
    logger.info(
        "turn_started",
        extra={"turn_id": str(turn.id), "thread_id": str(turn.thread_id), "attempt": turn.attempts},
    )
    if turn.cancel_requested_at is not None:  # cancelled while its last attempt was lost
        turn_finish(turn.id, Reply(text="", agent=None, cancelled=True), worker=worker)
        return
    if time.time() >= _deadline_at(turn):  # it waited out its whole time in a backlog
        turn_finish(turn.id, DEADLINE_EXCEEDED, worker=worker)
        return
    request = _agent_request(turn)
    # The agent may wait seconds on the network: give the connection back to the pool meanwhile.
    close_old_connections()
    typing_publish(turn, True)
    ended_here = False
    try:
        outcome = _generate(turn, request)
        if outcome is not None:
            ended_here = turn_finish(turn.id, outcome, worker=worker) is not None
    finally:
        if not ended_here:  # turn_finish announces typing off with the terminal event
            typing_publish(turn, False)


def _agent_request(turn: Turn) -> AgentRequest:
    message = Event.objects.only("content").get(pk=turn.request_id)
    earlier = (
        Event.objects.filter(
            thread_id=turn.thread_id,
            seq__lt=turn.seq,
            kind__in=[EventKind.USER_MESSAGE, EventKind.ASSISTANT_MESSAGE],
        )
        .order_by("-seq")
        .only("kind", "content", "meta")[: settings.CHAT_HISTORY_TURNS * 2]
    )
    history = tuple(
        HistoryMessage(
            role="user" if e.kind == EventKind.USER_MESSAGE else "assistant",
            text=e.content,
            meta=e.meta,
        )
        for e in reversed(list(earlier))
    )
    return AgentRequest(
        thread_id=str(turn.thread_id),
        message=message.content,
        history=history,
        correlation_id=turn.correlation_id,
        deadline_at=_deadline_at(turn),
    )


def _deadline_at(turn: Turn) -> float:
    return turn.queued_at.timestamp() + settings.CHAT_TURN_DEADLINE_SECS


def _generate(turn: Turn, request: AgentRequest) -> Reply | Failure | None:
    """The turn's outcome; None when it must end without this worker's word (re-queued, or
    already ended by the deadline sweep)."""
    agent = supervisor_agent()
    stream = DeltaStream(turn)
    watch = StopWatch(turn.id, turn.attempts, request.deadline_at)
    chunks = agent.stream(request)
    try:
        for chunk in chunks:
            if watch.should_stop():
                return _stopped(turn, watch.reason, stream, agent.name)
            if isinstance(chunk, TextPiece) and chunk.text:
                if not stream.text_parts:
                    first_token_at = timezone.now()
                    Turn.objects.filter(pk=turn.id).update(first_token_at=first_token_at)
                    assert turn.started_at is not None
                    TURN_STAGE.labels("first_token").observe(
                        (first_token_at - turn.started_at).total_seconds()
                    )
                stream.add(chunk.text)
            elif isinstance(chunk, FinalAnswer):
                stream.close()
                return Reply(
                    text=stream.text,
                    agent=chunk.agent or agent.name,
                    recommendations=chunk.recommendations,
                    degraded=chunk.degraded,
                )
    except Exception:
        logger.exception("turn_agent_failed", extra={"turn_id": str(turn.id), "agent": agent.name})
        stream.close()
        return AGENT_FAILED
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # stop the agent's generator (and its HTTP stream) right away
    logger.error("turn_agent_no_final_answer", extra={"turn_id": str(turn.id), "agent": agent.name})
    stream.close()
    return AGENT_FAILED


def _stopped(
    turn: Turn, reason: str | None, stream: DeltaStream, agent: str
) -> Reply | Failure | None:
    stream.close()
    logger.info("turn_stopped", extra={"turn_id": str(turn.id), "reason": reason})
    if reason == CANCEL:
        return Reply(text=stream.text, agent=agent, cancelled=True)
    if reason == DEADLINE:
        return DEADLINE_EXCEEDED
    return None  # requeued: another worker answers it
