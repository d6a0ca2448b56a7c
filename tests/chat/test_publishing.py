"""Publishing on the real Redis: thread frames, pipelined frames, stream pieces and the text so
far, control messages; and the capture helper's own promise: published only after commit."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from chat.events import token_envelope, typing_envelope
from chat.messages import message_accept
from chat.models import Thread, Turn
from chat.publishing import (
    frame_text,
    inflight_key,
    inflight_text,
    publish,
    publish_control,
    publish_in,
    stream_piece_in,
    thread_channel,
)
from chat.threads import thread_create, thread_delete
from chat.turns.lifecycle import Reply, turn_claim, turn_finish
from easy_islanders.redis import redis_client
from tests.chat.capture import QUICK_HASHERS, committed, published, run_async


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = QUICK_HASHERS


@pytest.fixture
def thread_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def redis_down() -> Iterator[None]:
    """Redis unreachable: nothing listens on the port (a real refused connection)."""
    redis_client.cache_clear()
    try:
        with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
            yield
    finally:
        redis_client.cache_clear()


def test_a_frame_reaches_its_threads_channel_as_its_json_text(thread_id: str) -> None:
    envelope = typing_envelope(thread_id, 3, "cid-1", value=True)
    other = typing_envelope(str(uuid.uuid4()), 1, None, value=True)
    with published(thread_id) as frames:
        publish(envelope)
        publish(other)  # another thread's channel: not subscribed
    assert frames.raw == [(thread_channel(thread_id), frame_text(envelope))]
    assert frames.frames == [json.loads(json.dumps(envelope))]


def test_frames_of_one_thread_arrive_in_the_order_published(thread_id: str) -> None:
    pieces = [token_envelope(thread_id, 1, None, text=str(i), offset=i) for i in range(20)]
    with published(thread_id) as frames:
        for piece in pieces:
            publish(piece)
    assert [frame["payload"]["offset"] for frame in frames.frames] == list(range(20))


def test_a_pipelined_frame_is_published_when_the_pipeline_runs(thread_id: str) -> None:
    envelope = typing_envelope(thread_id, 1, "cid", value=False)
    with published(thread_id) as frames, redis_client().pipeline(transaction=False) as pipe:
        publish_in(pipe, envelope)
        assert frames.so_far() == []
        pipe.execute()
        assert frames.so_far() == [envelope]


def test_a_stream_piece_adds_its_text_then_publishes_its_frame(thread_id: str) -> None:
    turn_id, attempt = uuid.uuid4(), 2
    key = inflight_key(turn_id, attempt)
    first = token_envelope(thread_id, 1, None, text="Hello, ", offset=0)
    second = token_envelope(thread_id, 1, None, text="world", offset=7)
    try:
        with published(thread_id) as frames:
            for frame in (first, second):
                with redis_client().pipeline(transaction=False) as pipe:
                    stream_piece_in(pipe, frame, key, 90)
                    pipe.execute()
        assert frames.frames == [first, second]
        assert redis_client().get(key) == "Hello, world"
        assert 0 < redis_client().ttl(key) <= 90
        assert run_async(inflight_text(turn_id, attempt)) == "Hello, world"
        assert run_async(inflight_text(str(turn_id), attempt)) == "Hello, world"
        # Each attempt has its own text: a re-driven turn starts again.
        assert inflight_key(turn_id, attempt + 1) != key
        assert run_async(inflight_text(turn_id, attempt + 1)) == ""
    finally:
        redis_client().delete(key)


def test_a_control_message_reaches_the_control_channel(thread_id: str) -> None:
    with published(control=True) as frames:
        publish_control("thread_deleted", uuid.UUID(thread_id))
    assert frames.controls_for(thread_id) == [{"kind": "thread_deleted", "id": thread_id}]
    assert frames.frames == []


def test_a_text_with_a_lone_surrogate_still_publishes(thread_id: str) -> None:
    envelope = token_envelope(thread_id, 1, None, text="half \ud83d of an emoji", offset=0)
    with published(thread_id) as frames:
        publish(envelope)
    assert [frame["payload"]["text"] for frame in frames.frames] == ["half \ud83d of an emoji"]


def test_the_frame_text_of_a_lone_surrogate_is_json_that_reads_back() -> None:
    envelope = token_envelope("t", 1, None, text="a\ud800b", offset=0)
    assert json.loads(frame_text(envelope))["payload"]["text"] == "a\ud800b"


def test_publishing_never_raises_when_redis_is_down(
    redis_down: None, thread_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="chat.publishing"):
        publish(typing_envelope(thread_id, 1, None, value=True))
        publish_control("user_changed", 1)
        assert run_async(inflight_text(uuid.uuid4(), 1)) == ""
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["publish_failed", "publish_failed", "inflight_read_failed"]


# --- Only after commit -------------------------------------------------------------------------


def queued_turn(user: Any) -> Turn:
    accepted = message_accept(
        user_id=user.pk, text="hi", thread_id=None, client_msg_id=None, correlation_id="cid"
    )
    return Turn.objects.get(request_id=accepted.message_id)


@pytest.mark.django_db
def test_nothing_is_published_before_the_tests_transaction_commits(
    make_user: Callable[..., Any],
) -> None:
    turn = queued_turn(make_user())
    turn_claim(turn.pk, "w1")
    with published(turn.thread_id) as frames:
        assert turn_finish(turn.pk, Reply(text="done", agent="test")) is not None
        assert frames.so_far() == []  # still inside the test's transaction
    assert frames.events() == ["assistant_message", "typing"]
    assert frames.frames[0]["payload"]["text"] == "done"
    assert frames.frames[1]["payload"] == {"value": False}


@committed
def test_nothing_is_published_until_a_real_transaction_commits(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    thread = thread_create(user.pk)
    with published(control=True) as frames:
        with transaction.atomic():
            thread_delete(user.pk, thread.pk)
            assert frames.controls_for(thread.pk) == [] and frames.so_far() == []
        frames.sync()
        assert frames.controls_for(thread.pk) == [{"kind": "thread_deleted", "id": str(thread.pk)}]
    assert not Thread.objects.filter(pk=thread.pk).exists()


@committed
def test_nothing_is_published_when_the_transaction_rolls_back(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    thread = thread_create(user.pk)
    with published(control=True) as frames, pytest.raises(RuntimeError), transaction.atomic():
        thread_delete(user.pk, thread.pk)
        raise RuntimeError("rolled back")
    assert frames.controls_for(thread.pk) == []
    assert Thread.objects.filter(pk=thread.pk).exists()


def test_the_capture_sees_a_frame_sent_from_another_thread(thread_id: str) -> None:
    envelope = typing_envelope(thread_id, 1, None, value=True)
    with published(thread_id) as frames:
        sender = threading.Timer(0.05, publish, args=(envelope,))
        sender.start()
        assert frames.wait_for(1) == [envelope]
        sender.join()


def test_the_capture_fails_when_a_frame_never_comes(thread_id: str) -> None:
    with published(thread_id) as frames, pytest.raises(AssertionError, match="0 frames, not 1"):
        frames.wait_for(1, timeout=0.1)
