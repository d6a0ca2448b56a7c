"""A reply's stream on the real Redis: token frames in order with their offsets, small pieces
joined up to FRAME_CHARS, the text so far equal to what was published, and close() flushing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from chat.publishing import inflight_key, inflight_text
from chat.turns.deadlines import turn_keys_ttl_secs
from chat.turns.streaming import FRAME_CHARS, DeltaStream, _frames, loop_thread
from easy_islanders.redis import redis_client
from tests.chat.capture import published, run_async


@pytest.fixture
def stream() -> Iterator[DeltaStream]:
    stream = DeltaStream(uuid.uuid4(), 1, str(uuid.uuid4()), 3, "cid-stream")
    yield stream
    redis_client().delete(stream._key)


@contextmanager
def publisher_held() -> Iterator[None]:
    """The process's publisher loop kept busy while the block runs: every piece added
    meanwhile is pending when the loop next looks, and goes out in one batch."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        holding.set()
        release.wait(5)

    loop_thread.loop().call_soon_threadsafe(hold)
    assert holding.wait(5)
    try:
        yield
    finally:
        release.set()


def texts(frames: list[dict[str, Any]]) -> list[str]:
    return [str(frame["payload"]["text"]) for frame in frames]


def offsets(frames: list[dict[str, Any]]) -> list[int]:
    return [int(frame["payload"]["offset"]) for frame in frames]


def test_pieces_go_out_as_token_frames_in_order_with_their_offsets(stream: DeltaStream) -> None:
    pieces = [f"piece {i} " * (1 + i % 7) for i in range(60)]
    with published(stream._thread_id) as frames:
        for piece in pieces:
            stream.add(piece)
        stream.close()
    sent = texts(frames.frames)
    assert "".join(sent) == "".join(pieces) == stream.text
    cumulative = [sum(map(len, sent[:i])) for i in range(len(sent))]
    assert offsets(frames.frames) == cumulative
    assert {frame["event"] for frame in frames.frames} == {"token"}
    frame = frames.frames[0]
    assert (frame["type"], frame["thread_id"], frame["in_reply_to"], frame["seq"]) == (
        "chat_delta",
        stream._thread_id,
        3,
        None,
    )
    assert frame["correlation_id"] == "cid-stream"


def test_small_pieces_are_joined_up_to_frame_chars_and_never_split(stream: DeltaStream) -> None:
    assert FRAME_CHARS == 32
    pieces = ["ab"] * 20 + ["x" * 40, "c"]
    with published(stream._thread_id) as frames:
        with publisher_held():
            for piece in pieces:
                stream.add(piece)
        stream.close()
    assert texts(frames.frames) == ["ab" * 16, "ab" * 4 + "x" * 40, "c"]
    assert offsets(frames.frames) == [0, 32, 80]


def test_frames_join_whole_pieces() -> None:
    assert _frames(["ab"] * 20) == ["ab" * 16, "ab" * 4]
    assert _frames(["x" * 50, "y", "z" * 31]) == ["x" * 50, "y" + "z" * 31]
    assert _frames([]) == []


def test_a_piece_goes_out_at_once_without_waiting_for_close(stream: DeltaStream) -> None:
    with published(stream._thread_id) as frames:
        stream.add("Hello")
        assert texts(frames.wait_for(1, timeout=2)) == ["Hello"]
        stream.close()
    assert texts(frames.frames) == ["Hello"]


def test_close_sends_what_is_pending_before_it_returns(stream: DeltaStream) -> None:
    with published(stream._thread_id) as frames:
        stream.add("first ")  # at once
        stream.add("second ")  # within the batch window: waits on a timer
        stream.add("third")
        stream.close()
        assert "".join(texts(frames.so_far())) == "first second third"


def test_the_text_so_far_in_redis_is_what_was_published(stream: DeltaStream) -> None:
    with published(stream._thread_id) as frames:
        for piece in ["Merhaba ", "dünya ", "🌍 ", "и мир"]:
            stream.add(piece)
        stream.close()
    key = inflight_key(stream._turn_id, 1)
    assert key == stream._key
    assert redis_client().get(key) == "".join(texts(frames.frames)) == "Merhaba dünya 🌍 и мир"
    assert turn_keys_ttl_secs() - 5 <= redis_client().ttl(key) <= turn_keys_ttl_secs()
    assert run_async(inflight_text(stream._turn_id, 1)) == stream.text


def test_closing_a_stream_with_nothing_in_it_sends_nothing(stream: DeltaStream) -> None:
    with published(stream._thread_id) as frames:
        stream.close()
    assert frames.frames == []
    assert redis_client().exists(stream._key) == 0


def test_two_streams_of_one_thread_keep_their_own_text() -> None:
    thread_id, turn_id = str(uuid.uuid4()), uuid.uuid4()
    first, second = (DeltaStream(turn_id, attempt, thread_id, 1, "c") for attempt in (1, 2))
    try:
        with published(thread_id) as frames:
            first.add("lost attempt")
            first.close()
            second.add("next attempt")
            second.close()
        assert texts(frames.frames) == ["lost attempt", "next attempt"]
        assert offsets(frames.frames) == [0, 0]
        assert redis_client().get(inflight_key(turn_id, 1)) == "lost attempt"
        assert redis_client().get(inflight_key(turn_id, 2)) == "next attempt"
    finally:
        redis_client().delete(inflight_key(turn_id, 1), inflight_key(turn_id, 2))
