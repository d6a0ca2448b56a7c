"""A reply's stream on the real Redis: token frames in order with their offsets, pieces that
wait for a round trip joined up to FRAME_CHARS, the text so far equal to what was published,
close() flushing, and one round trip carrying many streams' frames."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from chat.publishing import inflight_key, inflight_text
from chat.turns.deadlines import turn_keys_ttl_secs
from chat.turns.streaming import FRAME_CHARS, DeltaStream, _frames
from easy_islanders.redis import redis_client
from tests.chat.capture import Published, published, run_async

StreamTest = Callable[[DeltaStream, Published], Awaitable[None]]


def with_stream(test: StreamTest) -> None:
    """Run `test` on an event loop with a new stream of its own and a capture of its thread."""
    thread_id = str(uuid.uuid4())

    async def run(frames: Published) -> DeltaStream:
        stream = DeltaStream(uuid.uuid4(), 1, thread_id, 3, "cid-stream")
        await test(stream, frames)
        return stream

    with published(thread_id) as frames:
        stream = run_async(run(frames))
    redis_client().delete(inflight_key(stream._turn_id, 1))


def texts(frames: list[dict[str, Any]]) -> list[str]:
    return [str(frame["payload"]["text"]) for frame in frames]


def starts(texts: list[str]) -> list[int]:
    """Where each text starts in their concatenation: the offsets frames must carry."""
    return [sum(map(len, texts[:i])) for i in range(len(texts))]


def offsets(frames: list[dict[str, Any]]) -> list[int]:
    return [int(frame["payload"]["offset"]) for frame in frames]


def test_pieces_go_out_as_token_frames_in_order_with_their_offsets() -> None:
    pieces = [f"piece {i} " * (1 + i % 7) for i in range(60)]

    async def test(stream: DeltaStream, frames: Published) -> None:
        for piece in pieces:
            stream.add(piece)
            await asyncio.sleep(0)  # some pieces find a round trip under way, some not
        await stream.close()
        sent = texts(frames.so_far())
        assert "".join(sent) == "".join(pieces) == stream.text
        assert offsets(frames.frames) == starts(sent)
        assert {frame["event"] for frame in frames.frames} == {"token"}
        frame = frames.frames[0]
        assert (frame["type"], frame["thread_id"], frame["in_reply_to"], frame["seq"]) == (
            "chat_delta",
            stream._thread_id,
            3,
            None,
        )
        assert frame["correlation_id"] == "cid-stream"

    with_stream(test)


def test_pieces_waiting_for_a_round_trip_are_joined_up_to_frame_chars_never_split() -> None:
    assert FRAME_CHARS == 32
    pieces = ["ab"] * 20 + ["x" * 40, "c"]

    async def test(stream: DeltaStream, frames: Published) -> None:
        for piece in pieces:  # added before the outbox's sender first runs: one batch
            stream.add(piece)
        await stream.close()
        assert texts(frames.so_far()) == ["ab" * 16, "ab" * 4 + "x" * 40, "c"]
        assert offsets(frames.frames) == [0, 32, 80]

    with_stream(test)


def test_frames_join_whole_pieces() -> None:
    assert _frames(["ab"] * 20) == ["ab" * 16, "ab" * 4]
    assert _frames(["x" * 50, "y", "z" * 31]) == ["x" * 50, "y" + "z" * 31]
    assert _frames([]) == []


def test_a_piece_goes_out_at_once_without_waiting_for_close() -> None:
    async def test(stream: DeltaStream, frames: Published) -> None:
        stream.add("Hello")
        for _ in range(200):
            await asyncio.sleep(0.01)
            if frames.so_far():
                break
        assert texts(frames.frames) == ["Hello"]
        await stream.close()
        assert texts(frames.so_far()) == ["Hello"]

    with_stream(test)


def test_close_sends_what_is_pending_before_it_returns() -> None:
    async def test(stream: DeltaStream, frames: Published) -> None:
        stream.add("first ")
        await asyncio.sleep(0)  # its round trip is under way: the next two wait for it
        stream.add("second ")
        stream.add("third")
        await stream.close()
        assert "".join(texts(frames.so_far())) == "first second third"

    with_stream(test)


def test_the_text_so_far_in_redis_is_what_was_published() -> None:
    async def test(stream: DeltaStream, frames: Published) -> None:
        for piece in ["Merhaba ", "dünya ", "🌍 ", "и мир"]:
            stream.add(piece)
            await asyncio.sleep(0.01)
        await stream.close()
        key = inflight_key(stream._turn_id, 1)
        assert key == stream._key
        sent = "".join(texts(frames.so_far()))
        assert redis_client().get(key) == sent == "Merhaba dünya 🌍 и мир"
        assert turn_keys_ttl_secs() - 5 <= redis_client().ttl(key) <= turn_keys_ttl_secs()
        assert await inflight_text(stream._turn_id, 1) == stream.text

    with_stream(test)


def test_closing_a_stream_with_nothing_in_it_sends_nothing() -> None:
    async def test(stream: DeltaStream, frames: Published) -> None:
        await stream.close()
        assert frames.so_far() == []
        assert redis_client().exists(stream._key) == 0

    with_stream(test)


def test_two_streams_of_one_thread_keep_their_own_text() -> None:
    thread_id, turn_id = str(uuid.uuid4()), uuid.uuid4()

    async def both() -> None:
        first, second = (DeltaStream(turn_id, attempt, thread_id, 1, "c") for attempt in (1, 2))
        first.add("lost attempt")
        await first.close()
        second.add("next attempt")
        await second.close()

    try:
        with published(thread_id) as frames:
            run_async(both())
        assert texts(frames.frames) == ["lost attempt", "next attempt"]
        assert offsets(frames.frames) == [0, 0]
        assert redis_client().get(inflight_key(turn_id, 1)) == "lost attempt"
        assert redis_client().get(inflight_key(turn_id, 2)) == "next attempt"
    finally:
        redis_client().delete(inflight_key(turn_id, 1), inflight_key(turn_id, 2))


def test_streams_of_many_threads_share_round_trips_and_each_keeps_its_order() -> None:
    """While one pipeline is on its way, every stream's new pieces wait for the next (and are
    joined): fifty streams adding a piece each at once, ten times, send far fewer than their
    500 frames, and each thread still reads its own text in order."""
    threads = [str(uuid.uuid4()) for _ in range(50)]

    async def all_streams() -> list[DeltaStream]:
        streams = [DeltaStream(uuid.uuid4(), 1, t, 1, "c") for t in threads]
        for i in range(10):
            for stream in streams:
                stream.add(f"{i} ")
            await asyncio.sleep(0)
        for stream in streams:
            await stream.close()
        return streams

    with published(*threads) as frames:
        streams = run_async(all_streams())
    try:
        for thread_id in threads:
            sent = texts(frames.of(thread_id))
            assert "".join(sent) == "".join(f"{i} " for i in range(10))
            assert offsets(frames.of(thread_id)) == [
                sum(map(len, sent[:i])) for i in range(len(sent))
            ]
        assert len(frames.frames) < 250
    finally:
        redis_client().delete(*(s._key for s in streams))
