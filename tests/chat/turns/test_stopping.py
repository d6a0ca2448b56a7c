"""Stopping a running turn: at its deadline by itself, or when asked through Redis, read by the
turn loop's board (one MGET for all running turns); only the attempt that was asked stops.
Each test runs on an event loop of its own, as the turns do on the worker's."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest

from chat.turns.deadlines import turn_keys_ttl_secs
from chat.turns.stopping import CANCEL, DEADLINE, POLL_SECS, REQUEUED, StopWatch, turn_stop_request
from easy_islanders.redis import redis_client
from tests.chat.capture import run_async


@pytest.fixture
def turn_id() -> Iterator[uuid.UUID]:
    turn_id = uuid.uuid4()
    yield turn_id
    redis_client().delete(*(f"ei:turn:stop:{turn_id}:{attempt}" for attempt in range(1, 4)))


async def stops_within(watch: StopWatch, seconds: float) -> float | None:
    """How long the watch took to say stop; None if it did not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if watch.should_stop():
            return time.monotonic() - started
        await asyncio.sleep(0.01)
    return None


def test_a_watch_stops_at_its_deadline(turn_id: uuid.UUID) -> None:
    async def test() -> None:
        watch = StopWatch(turn_id, 1, time.time() + 0.15)
        try:
            assert watch.should_stop() is False and watch.reason is None
            took = await stops_within(watch, 2)
            assert took is not None and 0.1 <= took < 1
            assert watch.reason == DEADLINE
        finally:
            watch.close()

    run_async(test())


def test_a_watch_past_its_deadline_stops_at_once(turn_id: uuid.UUID) -> None:
    async def test() -> None:
        watch = StopWatch(turn_id, 1, time.time() - 1)
        watch.close()
        assert watch.should_stop() is True and watch.reason == DEADLINE

    run_async(test())


def test_a_stop_request_reaches_the_watch_within_a_second(turn_id: uuid.UUID) -> None:
    async def test() -> None:
        watch = StopWatch(turn_id, 2, time.time() + 60)
        try:
            assert watch.should_stop() is False
            turn_stop_request(turn_id, 2, CANCEL)
            took = await stops_within(watch, 1)
            assert took is not None and took < 1
            assert watch.reason == CANCEL  # the reason, not the deadline
        finally:
            watch.close()

    run_async(test())


def test_the_request_is_a_key_that_outlives_any_deadline(turn_id: uuid.UUID) -> None:
    turn_stop_request(turn_id, 1, REQUEUED)
    key = f"ei:turn:stop:{turn_id}:1"
    assert redis_client().get(key) == REQUEUED
    assert turn_keys_ttl_secs() - 5 <= redis_client().ttl(key) <= turn_keys_ttl_secs()


def test_a_stop_for_another_attempt_or_turn_does_not_stop_the_watch(turn_id: uuid.UUID) -> None:
    async def test() -> None:
        other_turn = uuid.uuid4()
        watch = StopWatch(turn_id, 2, time.time() + 60)
        try:
            turn_stop_request(turn_id, 1, REQUEUED)  # the lost attempt before this one
            turn_stop_request(other_turn, 2, CANCEL)
            assert await stops_within(watch, POLL_SECS * 4) is None
            assert watch.reason is None
            turn_stop_request(turn_id, 2, CANCEL)  # the board does read: this one arrives
            assert await stops_within(watch, 1) is not None and watch.reason == CANCEL
        finally:
            watch.close()
            redis_client().delete(f"ei:turn:stop:{other_turn}:2")

    run_async(test())


def test_many_watches_are_read_together_and_each_gets_its_own_reason() -> None:
    async def test() -> None:
        turns = [uuid.uuid4() for _ in range(5)]
        watches = [StopWatch(turn, 1, time.time() + 60) for turn in turns]
        try:
            turn_stop_request(turns[1], 1, CANCEL)
            turn_stop_request(turns[3], 1, DEADLINE)
            assert await stops_within(watches[1], 1) is not None
            assert await stops_within(watches[3], 1) is not None
            assert [w.reason for w in watches] == [None, CANCEL, None, DEADLINE, None]
        finally:
            for watch in watches:
                watch.close()
            redis_client().delete(*(f"ei:turn:stop:{turn}:1" for turn in turns))

    run_async(test())


def test_a_closed_watch_is_no_longer_read(turn_id: uuid.UUID) -> None:
    async def test() -> None:
        watch = StopWatch(turn_id, 1, time.time() + 60)
        watch.close()
        await asyncio.sleep(POLL_SECS * 1.5)  # a read the board began before the close has ended
        turn_stop_request(turn_id, 1, CANCEL)
        await asyncio.sleep(POLL_SECS * 3)
        assert watch.should_stop() is False and watch.reason is None

    run_async(test())
