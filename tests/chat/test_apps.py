"""Once Django is set up, the chat app's backlog collector is registered with the scrape, and
`/metrics` reads the backlog at scrape time: the broker queue's depth (every priority list),
the oldest turn waiting, and the workers alive."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client.core import Metric

from chat.admission import PRIORITY_SUFFIXES, backlog_keys
from chat.apps import ChatConfig
from chat.messages import message_accept
from chat.models import Turn
from chat.operations.backlog import BacklogCollector
from chat.turns.workers import HEARTBEAT_KEY, live_worker_names
from easy_islanders.redis import redis_client
from observability import scrape
from tests.chat.capture import QUICK_HASHERS


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = QUICK_HASHERS


@pytest.fixture
def queue(settings: Any) -> Iterator[str]:
    """A broker queue of this test's own: 2 tasks waiting, and 1 on a priority list."""
    name = f"test-metrics-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    redis_client().lpush(name, "task-1", "task-2")
    redis_client().lpush(name + PRIORITY_SUFFIXES[1], "task-3")
    yield name
    redis_client().delete(*backlog_keys())


@pytest.fixture
def worker() -> Iterator[str]:
    name = f"celery@unit-metrics-{uuid.uuid4().hex[:10]}"
    redis_client().zadd(HEARTBEAT_KEY, {name: time.time()})
    yield name
    redis_client().zrem(HEARTBEAT_KEY, name)


@pytest.fixture
def waiting_turn(make_user: Callable[..., Any]) -> Turn:
    """A turn accepted 1000 s ago and not claimed since."""
    accepted = message_accept(
        user_id=make_user().pk, text="hi", thread_id=None, client_msg_id=None, correlation_id="c"
    )
    turn = Turn.objects.get(request_id=accepted.message_id)
    Turn.objects.filter(pk=turn.pk).update(queued_at=timezone.now() - timedelta(seconds=1000))
    return turn


def samples(metrics: list[Metric]) -> dict[str, list[tuple[dict[str, str], float]]]:
    return {m.name: [(s.labels, s.value) for s in m.samples] for m in metrics}


def test_the_chat_app_registers_its_backlog_collector_once() -> None:
    assert apps.ready
    assert isinstance(apps.get_app_config("chat"), ChatConfig)
    assert scrape._collectors.count(BacklogCollector) == 1


@pytest.mark.django_db
def test_the_collector_yields_depth_oldest_age_and_workers(
    queue: str, worker: str, waiting_turn: Turn
) -> None:
    read = samples(list(BacklogCollector().collect()))
    assert set(read) == {
        "chat_queue_depth",
        "chat_queue_oldest_age_seconds",
        "chat_workers_alive",
    }
    assert read["chat_queue_depth"] == [({"queue": queue}, 3.0)]
    ((labels, oldest),) = read["chat_queue_oldest_age_seconds"]
    assert labels == {"queue": queue} and 1000 <= oldest < 1100
    ((_, alive),) = read["chat_workers_alive"]
    assert worker in live_worker_names() and alive >= 1
    assert alive == len(live_worker_names())


@pytest.mark.django_db
def test_metrics_serves_them_at_scrape_time(queue: str, worker: str, waiting_turn: Turn) -> None:
    response = Client().get("/metrics")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert f'chat_queue_depth{{queue="{queue}"}} 3.0' in lines
    assert any(line.startswith("chat_workers_alive ") for line in lines)
    (oldest,) = [line for line in lines if line.startswith("chat_queue_oldest_age_seconds{")]
    assert float(oldest.split()[-1]) >= 1000


@pytest.mark.django_db
def test_the_oldest_age_is_zero_when_no_turn_waits(queue: str) -> None:
    read = samples(list(BacklogCollector().collect()))
    assert read["chat_queue_oldest_age_seconds"] == [({"queue": queue}, 0.0)]


@pytest.mark.django_db
def test_with_redis_down_the_scrape_still_answers_the_oldest_age(
    queue: str, waiting_turn: Turn, caplog: pytest.LogCaptureFixture
) -> None:
    redis_client.cache_clear()
    try:
        with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
            read = samples(list(BacklogCollector().collect()))
    finally:
        redis_client.cache_clear()
    assert read["chat_queue_depth"] == [] and read["chat_workers_alive"] == []
    assert read["chat_queue_oldest_age_seconds"][0][1] >= 1000
    assert "metrics_broker_unreadable" in caplog.messages
