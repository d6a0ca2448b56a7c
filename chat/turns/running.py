"""Running a turn on the turn loop: claim, the agent's request, the stream, the outcome."""

from __future__ import annotations

import logging
import time
from contextlib import aclosing
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from agents.base import AgentRequest, FinalAnswer, TextPiece
from agents.registry import supervisor_agent
from chat.events import typing_envelope
from chat.models import Turn, TurnState
from chat.publishing import publish_async
from chat.turns.deadlines import turn_deadline
from chat.turns.lifecycle import (
    AGENT_FAILED,
    DEADLINE_EXCEEDED,
    ClaimedTurn,
    Failure,
    Reply,
    turn_claim_async,
    turn_finish_async,
)
from chat.turns.loop import turn_loop
from chat.turns.queueing import turn_requeue
from chat.turns.stopping import CANCEL, DEADLINE, StopWatch
from chat.turns.streaming import DeltaStream
from easy_islanders.blocking import in_thread
from easy_islanders.pg import DatabaseUnavailable
from observability import correlation
from observability.metrics import TURN_STAGE

logger = logging.getLogger(__name__)

# The turns this process's loop is running now (a turn is claimed by one worker at a time).
_in_flight: set[UUID] = set()


def turn_run(turn_id: UUID, worker: str) -> None:
    """Run one turn to its single terminal event, on the turn loop; returns when it has been
    stored (or the turn is not this call's to run). Safe to call twice for one turn."""
    turn_loop.run(_in_correlation(correlation.current_correlation_id(), turn_id, worker))


async def _in_correlation(cid: str | None, turn_id: UUID, worker: str) -> None:
    # The caller's correlation id: each loop task has a context of its own.
    correlation.correlation_enter(cid)
    await _run(turn_id, worker)


async def _run(turn_id: UUID, worker: str) -> None:
    started = time.perf_counter()
    try:
        # However long PostgreSQL is away, the turn cannot outlive its deadline.
        turn = await turn_claim_async(turn_id, worker, within=settings.CHAT_TURN_DEADLINE_SECS)
    except DatabaseUnavailable:
        # Still queued: the sweep hands it to a worker again once PostgreSQL is back.
        logger.error("turn_claim_failed", extra={"turn_id": str(turn_id)})
        return
    claimed = time.perf_counter()
    if turn is None:
        logger.info("turn_claim_skipped", extra={"turn_id": str(turn_id)})
        await in_thread(_orphaned_claim_requeued, turn_id, worker)
        return
    _in_flight.add(turn.id)
    try:
        await _answer(turn, worker, started, claimed)
    finally:
        _in_flight.discard(turn.id)


def _orphaned_claim_requeued(turn_id: UUID, worker: str) -> bool:
    """A claim given up on a silent network may still commit once it heals, after its retry
    was told the turn is no longer queued: the turn is then this worker's, yet nothing here
    runs it, and its heartbeat would keep the sweep off it until its deadline. Handed to the
    broker again (the turn of a second delivery that is running here is left alone)."""
    if turn_id in _in_flight:
        return False
    turn = Turn.objects.filter(pk=turn_id, state=TurnState.RUNNING, claimed_by=worker).first()
    return turn is not None and turn_requeue(turn, from_worker=worker, now=timezone.now())


async def _answer(turn: ClaimedTurn, worker: str, started: float, claimed: float) -> None:
    logger.info(
        "turn_started",
        extra={"turn_id": str(turn.id), "thread_id": str(turn.thread_id), "attempt": turn.attempts},
    )
    deadline_at = turn_deadline(turn.queued_at).timestamp()
    if turn.cancel_requested_at is not None:  # cancelled while its last attempt was lost
        cancelled = Reply(text="", agent=None, cancelled=True)
        await _finish(turn, cancelled, worker, deadline_at, first_piece_at=None)
        return
    if time.time() >= deadline_at:  # it waited out its whole time in a backlog
        await _finish(turn, DEADLINE_EXCEEDED, worker, deadline_at, first_piece_at=None)
        return
    request = agent_request(turn, deadline_at)
    await publish_async(
        typing_envelope(str(turn.thread_id), turn.seq, turn.correlation_id, value=True)
    )
    stream = DeltaStream(turn.id, turn.attempts, str(turn.thread_id), turn.seq, turn.correlation_id)
    outcome = await _generate(turn, request, stream)
    generated = time.perf_counter()
    if outcome is not None:
        await _finish(turn, outcome, worker, deadline_at, first_piece_at=stream.first_piece_at)
    # Not ended here (re-queued, or ended by the deadline sweep): whoever ends it announces
    # the end, typing off included.
    logger.info(
        "turn_timings",
        extra={
            "turn_id": str(turn.id),
            "thread_id": str(turn.thread_id),
            "seq": turn.seq,
            "queue_wait_ms": _ms(turn.started_at.timestamp() - turn.enqueued_at.timestamp()),
            "claim_ms": _ms(claimed - started),
            "agent_ms": _ms(generated - claimed),
            "finish_ms": _ms(time.perf_counter() - generated),
        },
    )


async def _finish(
    turn: ClaimedTurn,
    outcome: Reply | Failure,
    worker: str,
    deadline_at: float,
    *,
    first_piece_at: datetime | None,
) -> None:
    """Store the outcome, trying until the turn's deadline while PostgreSQL is away: a reply
    the person watched arrive is kept, not lost to a restart."""
    within = max(deadline_at - time.time(), settings.DB_TIMEOUT_SECS)
    try:
        await turn_finish_async(
            turn.id, outcome, worker=worker, first_token_at=first_piece_at, within=within
        )
    except DatabaseUnavailable:
        # Still running in PostgreSQL: the sweep ends it at its deadline once it is back.
        logger.error("turn_finish_failed", extra={"turn_id": str(turn.id)})


def agent_request(turn: ClaimedTurn, deadline_at: float) -> AgentRequest:
    """What the agent is asked: the message, the thread's history and the client's language
    hint (kept in the message's meta)."""
    return AgentRequest(
        thread_id=str(turn.thread_id),
        message=turn.message,
        history=turn.history,
        correlation_id=turn.correlation_id,
        deadline_at=deadline_at,
        language=turn.message_meta.get("language"),
    )


def _storable(text: str) -> str:
    """The piece as UTF-8 can hold it: a lone surrogate (half an emoji from a provider) becomes
    U+FFFD, or the reply could be neither published nor stored and the turn would hang."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


async def _generate(
    turn: ClaimedTurn, request: AgentRequest, stream: DeltaStream
) -> Reply | Failure | None:
    """The turn's outcome; None when it must end without this worker's word (re-queued, or
    already ended by the deadline sweep)."""
    agent = supervisor_agent()
    watch = StopWatch(turn.id, turn.attempts, request.deadline_at)
    try:
        # Closed on the way out, so a stopped turn's LLM stream is closed at once.
        async with aclosing(agent.stream(request)) as chunks:
            async for chunk in chunks:
                if watch.should_stop():
                    return await _stopped(turn, watch.reason, stream, agent.name)
                if isinstance(chunk, TextPiece) and chunk.text:
                    if stream.first_piece_at is None:
                        stream.first_piece_at = timezone.now()
                        TURN_STAGE.labels("first_token").observe(
                            (stream.first_piece_at - turn.started_at).total_seconds()
                        )
                    stream.add(_storable(chunk.text))
                elif isinstance(chunk, FinalAnswer):
                    await stream.close()
                    return Reply(
                        text=stream.text,
                        agent=chunk.agent or agent.name,
                        recommendations=chunk.recommendations,
                        degraded=chunk.degraded,
                    )
    except Exception:
        logger.exception("turn_agent_failed", extra={"turn_id": str(turn.id), "agent": agent.name})
        await stream.close()
        return AGENT_FAILED
    finally:
        watch.close()
    logger.error("turn_agent_no_final_answer", extra={"turn_id": str(turn.id), "agent": agent.name})
    await stream.close()
    return AGENT_FAILED


async def _stopped(
    turn: ClaimedTurn, reason: str | None, stream: DeltaStream, agent: str
) -> Reply | Failure | None:
    await stream.close()
    logger.info("turn_stopped", extra={"turn_id": str(turn.id), "reason": reason})
    if reason == CANCEL:
        return Reply(text=stream.text, agent=agent, cancelled=True)
    if reason == DEADLINE:
        return DEADLINE_EXCEEDED
    return None  # requeued: another worker answers it
