"""Admission on the real Redis: the sender's fixed window (CHAT_SEND_RATE) and the broker's
backlog (how long its oldest turn has waited, CHAT_MAX_QUEUE_WAIT_SECS; how many wait,
CHAT_MAX_BACKLOG, every priority list of the queue), alike from a thread and from the event
loop."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from django.test import override_settings

from chat.admission import (
    ENQUEUED_AT_HEADER,
    PRIORITY_SUFFIXES,
    Admission,
    admission,
    admission_async,
    backlog,
    backlog_keys,
    parse_rate,
)
from chat.errors import Overloaded, Throttled
from chat.turns.queueing import RUN_TURN_TASK, turn_enqueue, turn_task_message
from easy_islanders.celery import app as celery_app
from easy_islanders.errors import ServiceUnavailable
from easy_islanders.redis import redis_client
from tests.chat.capture import run_async


def rate_key(user_id: int) -> str:
    return f"ei:rate:chat_send:{user_id}"


@pytest.fixture
def user_ids() -> Iterator[list[int]]:
    """Senders no other test (or earlier run) has counted: ids far above any real user's."""
    ids = [random.randrange(10**12, 10**13) for _ in range(3)]
    redis_client().delete(*map(rate_key, ids))
    yield ids
    redis_client().delete(*map(rate_key, ids))


@pytest.fixture
def queue(settings: Any) -> Iterator[str]:
    """A queue of this test's own (its lists on this Redis db), empty at the start."""
    name = f"test-admission-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    yield name
    redis_client().delete(
        *backlog_keys(), f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"
    )


def test_parse_rate_reads_drfs_notation() -> None:
    assert parse_rate("60/min") == (60, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("100/hour") == (100, 3600)
    assert parse_rate("1000/day") == (1000, 86400)


def test_the_window_counts_each_message_and_throttles_past_the_rate(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_SEND_RATE = "3/min"
    sender = user_ids[0]
    answers = [admission(sender) for _ in range(3)]
    assert [a.throttled_for_secs for a in answers] == [None, None, None]
    assert redis_client().get(rate_key(sender)) == "3"
    assert 59 <= redis_client().ttl(rate_key(sender)) <= 60  # the window, set by the first
    over = admission(sender)
    assert over.throttled_for_secs is not None and 59 <= over.throttled_for_secs <= 60
    with pytest.raises(Throttled) as refused:
        over.enforce()
    error = refused.value
    assert (error.status, error.code) == (429, "throttled")
    assert error.headers == {"Retry-After": str(over.throttled_for_secs)}
    assert str(over.throttled_for_secs) in error.message
    assert redis_client().get(rate_key(sender)) == "4"  # refused messages count too


def test_the_wait_is_what_is_left_of_the_window(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_SEND_RATE = "1/hour"
    sender = user_ids[0]
    admission(sender).enforce()
    redis_client().pexpire(rate_key(sender), 42_000)  # as if 3558 s of the hour had passed
    with pytest.raises(Throttled) as refused:
        admission(sender).enforce()
    assert refused.value.retry_after_secs == 42
    assert refused.value.message == "Request was throttled. Expected available in 42 seconds."


def test_the_last_second_of_a_window_still_waits_one_second(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_SEND_RATE = "1/min"
    sender = user_ids[0]
    admission(sender)
    redis_client().pexpire(rate_key(sender), 450)  # TTL reads 0
    assert admission(sender).throttled_for_secs == 1


def test_a_new_window_starts_the_count_again(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_SEND_RATE = "1/min"
    sender = user_ids[0]
    assert admission(sender).throttled_for_secs is None
    assert admission(sender).throttled_for_secs is not None
    redis_client().pexpire(rate_key(sender), 1)  # the window ends
    time.sleep(0.01)
    assert admission(sender).throttled_for_secs is None
    assert redis_client().get(rate_key(sender)) == "1"


def test_each_sender_has_a_window_of_their_own(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_SEND_RATE = "1/min"
    fast, other, _ = user_ids
    admission(fast)
    assert admission(fast).throttled_for_secs is not None
    assert admission(other).throttled_for_secs is None


def test_the_backlog_counts_every_priority_list(settings: Any, queue: str) -> None:
    assert backlog_keys() == [queue + suffix for suffix in PRIORITY_SUFFIXES]
    assert backlog() == 0
    broker = redis_client()
    broker.lpush(queue, turn_task_message(uuid.uuid4(), "cid"))  # as the accept path pushes
    # As Celery itself puts a task of a higher priority: on a list of its own.
    celery_app.send_task(RUN_TURN_TASK, args=[str(uuid.uuid4())], queue=queue, priority=6)
    celery_app.send_task(RUN_TURN_TASK, args=[str(uuid.uuid4())], queue=queue, priority=9)
    depths = [broker.llen(key) for key in backlog_keys()]
    assert depths[0] == 1 and sum(depths[1:]) == 2 and depths.count(0) >= 1
    assert backlog() == 3


def test_overloaded_at_the_max_backlog(settings: Any, queue: str, user_ids: list[int]) -> None:
    settings.CHAT_MAX_BACKLOG = 3
    broker = redis_client()
    broker.lpush(queue, "task-1", "task-2")
    admission(user_ids[0]).enforce()  # 2 waiting: come in
    broker.lpush(queue + PRIORITY_SUFFIXES[2], "urgent")
    answer = admission(user_ids[0])
    assert answer == Admission(throttled_for_secs=None, backlog=3)
    with pytest.raises(Overloaded) as refused:
        answer.enforce()
    assert (refused.value.status, refused.value.code) == (503, "overloaded")
    assert refused.value.headers == {"Retry-After": "5"}


def test_overloaded_once_the_next_turn_off_the_queue_has_waited_too_long(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_MAX_QUEUE_WAIT_SECS = 10
    broker = redis_client()
    turn_enqueue(uuid.uuid4(), "cid-sent")  # as a worker or the sweep sends one: just now
    answer = admission(user_ids[0])
    assert answer.backlog == 1 and 0 <= answer.oldest_wait_secs < 2
    answer.enforce()
    # An older one at the right end of the list, where workers take the next turn from.
    waited = orjson.loads(turn_task_message(uuid.uuid4(), "cid-old"))
    waited["headers"][ENQUEUED_AT_HEADER] = time.time() - 11
    broker.rpush(queue, orjson.dumps(waited))
    answer = admission(user_ids[0])
    assert answer.backlog == 2 and 11 <= answer.oldest_wait_secs < 13
    on_loop = run_async(admission_async(user_ids[1]))
    assert on_loop.backlog == 2 and 11 <= on_loop.oldest_wait_secs < 13
    with pytest.raises(Overloaded):
        answer.enforce()
    broker.rpop(queue)  # a worker took it: the next has waited a moment only
    admission(user_ids[0]).enforce()


def test_a_task_without_its_queueing_time_counts_as_not_waiting(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_MAX_QUEUE_WAIT_SECS = 1
    redis_client().rpush(queue, "not a task message", orjson.dumps({"headers": {}}))
    assert admission(user_ids[0]) == Admission(throttled_for_secs=None, backlog=2)


def test_throttled_comes_before_overloaded(settings: Any, queue: str, user_ids: list[int]) -> None:
    settings.CHAT_SEND_RATE = "1/min"
    settings.CHAT_MAX_BACKLOG = 1
    redis_client().lpush(queue, "task")
    with pytest.raises(Overloaded):
        admission(user_ids[0]).enforce()
    with pytest.raises(Throttled):
        admission(user_ids[0]).enforce()


def test_the_sync_and_async_paths_share_the_window_and_agree(
    settings: Any, queue: str, user_ids: list[int]
) -> None:
    settings.CHAT_SEND_RATE = "2/min"
    sender = user_ids[0]
    redis_client().lpush(queue, "a", "b")
    redis_client().lpush(queue + PRIORITY_SUFFIXES[3], "c")
    first = admission(sender)
    second = run_async(admission_async(sender))
    assert first == second == Admission(throttled_for_secs=None, backlog=3)
    redis_client().pexpire(rate_key(sender), 30_000)
    over_async = run_async(admission_async(sender))
    over_sync = admission(sender)
    assert over_async == over_sync == Admission(throttled_for_secs=30, backlog=3)
    assert redis_client().get(rate_key(sender)) == "4"


def test_redis_down_is_service_unavailable_on_both_paths(user_ids: list[int]) -> None:
    redis_client.cache_clear()
    try:
        with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):  # nothing listens there
            with pytest.raises(ServiceUnavailable) as sync_refusal:
                admission(user_ids[0])
            with pytest.raises(ServiceUnavailable) as async_refusal:
                run_async(admission_async(user_ids[0]))
    finally:
        redis_client.cache_clear()
    for refusal in (sync_refusal.value, async_refusal.value):
        assert (refusal.status, refusal.code, refusal.headers) == (
            503,
            "service_unavailable",
            {"Retry-After": "5"},
        )
