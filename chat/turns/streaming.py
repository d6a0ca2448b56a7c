"""The reply's pieces on their way to sockets, as `chat_delta/token` frames.

Pieces that arrive faster than a frame is worth are batched: a piece goes out at once unless a
frame left less than BATCH_WINDOW_SECS ago, in which case it waits for the window's end with
whatever else arrives meanwhile (so at most that long is added to any piece). Small pieces
(an LLM's tokens) are joined up to FRAME_CHARS; larger ones (sentences) keep a frame each.

The text so far is mirrored in Redis (appended before each frame is published, with an
expiry) so a socket that joins mid-stream first gets everything generated so far; PostgreSQL
gets the whole reply when the turn ends.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Coroutine
from datetime import datetime
from typing import Any
from uuid import UUID

from chat.events import token_envelope
from chat.publishing import inflight_key, stream_piece_in
from chat.turns.deadlines import turn_keys_ttl_secs
from easy_islanders.redis import async_redis_client

logger = logging.getLogger(__name__)

BATCH_WINDOW_SECS = 0.008
FRAME_CHARS = 32
CLOSE_TIMEOUT_SECS = 5.0


class _LoopThread:
    """A daemon thread running the asyncio loop that worker threads hand their streams to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop())
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked child must not reuse its parent's loop (its thread did not survive).
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="stream-loop", daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop


loop_thread = _LoopThread()


class DeltaStream:
    """One turn's stream. `add` from the worker thread; batching and sending happen on the
    process's publisher loop, in order."""

    def __init__(
        self, turn_id: UUID, attempt: int, thread_id: str, in_reply_to: int, correlation_id: str
    ) -> None:
        self._turn_id, self._thread_id = turn_id, thread_id
        self._in_reply_to, self._correlation_id = in_reply_to, correlation_id
        self._key = inflight_key(turn_id, attempt)
        self._loop = loop_thread.loop()
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._sent_chars = 0
        self._last_flush = float("-inf")
        self._timer: asyncio.TimerHandle | None = None
        self._last_send: asyncio.Future[None] | None = None
        self.text_parts: list[str] = []
        self.first_piece_at: datetime | None = None

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def add(self, text: str) -> None:
        with self._lock:
            self._pending.append(text)
        self.text_parts.append(text)
        self._loop.call_soon_threadsafe(self._on_piece)

    def close(self) -> None:
        """Send what is pending and wait until every frame has gone out."""
        if self.text_parts:
            self._run(self._close())

    def _run(self, coro: Any) -> None:
        try:
            loop_thread.run(coro, CLOSE_TIMEOUT_SECS)
        except Exception as exc:
            logger.warning("stream_publish_failed", extra={"error": type(exc).__name__})

    # --- On the publisher loop -------------------------------------------------------------

    def _on_piece(self) -> None:
        if self._timer is not None:
            return  # a batch is already waiting for its window
        wait = self._last_flush + BATCH_WINDOW_SECS - self._loop.time()
        if wait <= 0:
            self._flush()
        else:
            self._timer = self._loop.call_later(wait, self._flush)

    def _flush(self) -> None:
        self._timer = None
        with self._lock:
            pieces, self._pending = self._pending, []
        for text in _frames(pieces):
            offset, self._sent_chars = self._sent_chars, self._sent_chars + len(text)
            self._last_send = asyncio.ensure_future(self._send(self._last_send, text, offset))
            self._last_flush = self._loop.time()

    async def _send(self, previous: asyncio.Future[None] | None, text: str, offset: int) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # frames leave in order
        frame = token_envelope(
            self._thread_id, self._in_reply_to, self._correlation_id, text=text, offset=offset
        )
        try:
            async with async_redis_client().pipeline(transaction=False) as pipe:
                stream_piece_in(pipe, frame, self._key, turn_keys_ttl_secs())
                await pipe.execute()
        except Exception as exc:
            logger.warning(
                "stream_publish_failed",
                extra={"error": type(exc).__name__, "turn_id": str(self._turn_id)},
            )

    async def _close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._flush()
        if self._last_send is not None:
            await asyncio.wait([self._last_send])


def _frames(pieces: list[str]) -> list[str]:
    """Join consecutive pieces into frames of about FRAME_CHARS, never splitting a piece."""
    frames: list[str] = []
    current = ""
    for piece in pieces:
        current += piece
        if len(current) >= FRAME_CHARS:
            frames.append(current)
            current = ""
    return [*frames, current] if current else frames
