"""The Celery adapters: the turn task under its lasting name, run in process (not eager mode:
the task function itself), and the worker's ready/shutdown signals."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from celery.signals import worker_ready, worker_shutdown

from chat import tasks
from chat.models import Event, Turn, TurnState
from chat.turns.queueing import RUN_TURN_TASK
from chat.turns.workers import HEARTBEAT_KEY, live_worker_names
from easy_islanders.celery import app as celery_app
from easy_islanders.redis import redis_client
from tests.chat.capture import QUICK_HASHERS, accepted, agent_configured, committed, published


@pytest.fixture
def instant_agent() -> Iterator[None]:
    with agent_configured(CHAT_AGENT="instant"):
        yield


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = QUICK_HASHERS


def test_the_turn_task_is_registered_as_chat_run_turn() -> None:
    assert RUN_TURN_TASK == "chat.run_turn"
    assert tasks.run_turn.name == "chat.run_turn"
    registered = celery_app.tasks["chat.run_turn"]
    # shared_task gives a proxy of the app's task
    assert registered is tasks.run_turn._get_current_object()  # type: ignore[attr-defined]
    assert registered.__module__ == "chat.tasks"
    assert celery_app.conf.task_always_eager is False


@committed
def test_calling_the_task_runs_a_queued_turn_to_its_end(
    make_user: Callable[..., Any], instant_agent: None
) -> None:
    (acceptance,) = accepted(make_user().pk, "hello")
    turn = Turn.objects.get(request_id=acceptance.message_id)
    with published(turn.thread_id) as frames:
        assert tasks.run_turn(str(turn.pk)) is None
    turn.refresh_from_db()
    assert turn.state == TurnState.SUCCEEDED
    assert turn.claimed_by == "unknown"  # no worker's request around it: no hostname
    assert turn.reply is not None
    reply = Event.objects.get(pk=turn.reply.pk)
    assert reply.content == "Thanks, got it. This is the instant agent."
    assert frames.events()[0] == "typing" and frames.events()[-2:] == [
        "assistant_message",
        "typing",
    ]


@committed
def test_the_task_names_the_worker_that_claimed_the_turn(
    make_user: Callable[..., Any], instant_agent: None
) -> None:
    (acceptance,) = accepted(make_user().pk, "hello")
    turn = Turn.objects.get(request_id=acceptance.message_id)
    # What a worker's request carries (Task.__call__ would start an empty one).
    task: Any = tasks.run_turn
    task.push_request(hostname="celery@unit-host")
    try:
        task.run(str(turn.pk))
    finally:
        task.pop_request()
    turn.refresh_from_db()
    assert (turn.state, turn.claimed_by) == (TurnState.SUCCEEDED, "celery@unit-host")


@dataclass(frozen=True)
class Consumer:
    """What Celery's worker_ready sends: its consumer, named by the worker's hostname."""

    hostname: str


def sweep_interval(thread: threading.Thread) -> Any:
    """The interval a running sweeper thread read (None until it has)."""
    frame = sys._current_frames().get(thread.ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "_sweep_forever":
            return frame.f_locals.get("interval")
        frame = frame.f_back
    return None


def test_a_ready_worker_beats_and_sweeps_and_a_shut_down_one_stops_beating(
    settings: Any,
) -> None:
    # The sweep the ready worker starts must not run in the test process: it waits this long.
    settings.CHAT_SWEEP_INTERVAL_SECS = 10**6
    hostname = f"celery@unit-{uuid.uuid4().hex[:10]}"
    before = set(threading.enumerate())
    try:
        worker_ready.send(sender=Consumer(hostname))
        deadline = time.monotonic() + 3
        while hostname not in live_worker_names() and time.monotonic() < deadline:
            time.sleep(0.01)  # its first beat comes from a thread of its own
        assert hostname in live_worker_names()
        (sweeper,) = [t for t in set(threading.enumerate()) - before if t.name == "turn-sweeper"]
        while sweep_interval(sweeper) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sweep_interval(sweeper) == 10**6  # read before this test's settings are undone
        worker_shutdown.send(sender=None)
        assert hostname not in live_worker_names()
    finally:
        redis_client().zrem(HEARTBEAT_KEY, hostname)
