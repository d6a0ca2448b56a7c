"""The reply's pieces on their way to sockets, as `chat_delta/token` frames.

Every stream of the turn loop sends through one outbox: a piece goes out at once when no
round trip to Redis is under way; pieces that arrive while one is (from any stream) wait for
it and then leave together in the next pipeline. So when idle a piece costs one round trip of
its own, and under load one round trip carries many streams' frames and a stream's waiting
pieces are joined into frames of about FRAME_CHARS (never splitting a piece): the batching
follows the load instead of a fixed window, and a reply stays visibly streamed.

The text so far is mirrored in Redis (appended before each frame is published, with an
expiry set by the first) so a socket that joins mid-stream first gets everything generated
so far; PostgreSQL gets the whole reply when the turn ends.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from chat.events import token_envelope
from chat.publishing import inflight_key, stream_piece_in
from chat.turns.deadlines import turn_keys_ttl_secs
from easy_islanders.per_loop import PerLoop
from easy_islanders.redis import async_redis_client

logger = logging.getLogger(__name__)

FRAME_CHARS = 32
CLOSE_TIMEOUT_SECS = 5.0


class DeltaStream:
    """One turn's stream, on the turn loop: `add` each piece, `close` once at the end."""

    def __init__(
        self, turn_id: UUID, attempt: int, thread_id: str, in_reply_to: int, correlation_id: str
    ) -> None:
        self._turn_id, self._thread_id = turn_id, thread_id
        self._in_reply_to, self._correlation_id = in_reply_to, correlation_id
        self._key = inflight_key(turn_id, attempt)
        self._outbox = _outbox()
        self._sent_chars = 0
        self._sent: asyncio.Future[None] | None = None
        self.text_parts: list[str] = []
        self.first_piece_at: datetime | None = None

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def add(self, text: str) -> None:
        self.text_parts.append(text)
        self._sent = self._outbox.put(self, text)

    async def close(self) -> None:
        """Wait until every frame of the stream has gone out (or failed to)."""
        if self._sent is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._sent), CLOSE_TIMEOUT_SECS)
        except TimeoutError:
            logger.warning("stream_publish_failed", extra={"error": "TimeoutError"})

    def frames_in(self, pipe: Any, pieces: list[str]) -> None:
        """Add the frames of `pieces` (this stream's, in order) to the outbox's pipeline."""
        for text in _frames(pieces):
            offset, self._sent_chars = self._sent_chars, self._sent_chars + len(text)
            frame = token_envelope(
                self._thread_id, self._in_reply_to, self._correlation_id, text=text, offset=offset
            )
            ttl = turn_keys_ttl_secs() if offset == 0 else None
            stream_piece_in(pipe, frame, self._key, ttl)

    def failed(self, error: Exception) -> None:
        logger.warning(
            "stream_publish_failed",
            extra={"error": type(error).__name__, "turn_id": str(self._turn_id)},
        )


class _Outbox:
    """The pieces of a loop's streams not yet sent, and the one task that sends them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._pending: dict[DeltaStream, list[str]] = {}
        self._next_sent: asyncio.Future[None] = loop.create_future()
        self._sender: asyncio.Task[None] | None = None

    def put(self, stream: DeltaStream, text: str) -> asyncio.Future[None]:
        """Queue a piece; the future is done when the pipeline that carries it has returned."""
        self._pending.setdefault(stream, []).append(text)
        if self._sender is None:
            self._sender = self._loop.create_task(self._send_all())
        return self._next_sent

    async def _send_all(self) -> None:
        try:
            while self._pending:
                pending, self._pending = self._pending, {}
                sent, self._next_sent = self._next_sent, self._loop.create_future()
                try:
                    async with async_redis_client().pipeline(transaction=False) as pipe:
                        for stream, pieces in pending.items():
                            stream.frames_in(pipe, pieces)
                        await pipe.execute()
                except Exception as exc:
                    for stream in pending:
                        stream.failed(exc)
                finally:
                    sent.set_result(None)
        finally:
            self._sender = None


_outbox = PerLoop(_Outbox).get


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
