"""Which workers are alive: each beats into a sorted set; stopping takes its name off."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chat.turns.workers import HEARTBEAT_KEY, Heartbeat, live_worker_names
from easy_islanders.redis import redis_client


@pytest.fixture
def name() -> Iterator[str]:
    name = f"unit-worker-{uuid.uuid4().hex[:10]}@test"
    yield name
    redis_client().zrem(HEARTBEAT_KEY, name)


def beat_of(name: str) -> float | None:
    score = redis_client().zscore(HEARTBEAT_KEY, name)
    return None if score is None else float(score)


def wait_for(condition: Any, seconds: float = 3) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_heartbeat_beats_until_stopped_and_stopping_takes_it_off(
    settings: Any, name: str
) -> None:
    settings.WORKER_HEARTBEAT_SECS = 1
    heartbeat = Heartbeat(name)
    started = time.time()
    heartbeat.start()
    try:
        assert wait_for(lambda: name in live_worker_names())
        first = beat_of(name)
        assert first is not None and started - 1 <= first <= time.time()
        assert wait_for(lambda: (beat_of(name) or 0) > first, seconds=3)  # it beats again
    finally:
        heartbeat.stop()
    assert beat_of(name) is None
    assert name not in live_worker_names()


def test_live_worker_names_honours_the_age(settings: Any) -> None:
    settings.WORKER_HEARTBEAT_SECS = 5  # three beats: 15 s unless told
    now = time.time()
    recent, older, old = (f"unit-worker-{uuid.uuid4().hex[:10]}" for _ in range(3))
    redis_client().zadd(HEARTBEAT_KEY, {recent: now - 1, older: now - 12, old: now - 100})
    try:
        live = live_worker_names()
        assert recent in live and older in live and old not in live
        live = live_worker_names(max_age_secs=10)
        assert recent in live and older not in live and old not in live
        assert {recent, older, old} <= live_worker_names(max_age_secs=1000)
        settings.WORKER_HEARTBEAT_SECS = 2  # 6 s
        assert recent in live_worker_names() and older not in live_worker_names()
    finally:
        redis_client().zrem(HEARTBEAT_KEY, recent, older, old)


def test_a_stopped_worker_is_not_beating_any_more(settings: Any, name: str) -> None:
    settings.WORKER_HEARTBEAT_SECS = 1
    heartbeat = Heartbeat(name)
    heartbeat.start()
    assert wait_for(lambda: beat_of(name) is not None)
    heartbeat.stop()
    time.sleep(1.2)  # past the next beat it would have sent
    assert beat_of(name) is None
