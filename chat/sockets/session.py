"""One open chat socket's delivery: everything it is sent goes through one ordered outbox.

The hub pushes live frames, the socket adapter pushes its answers, and the hub pushes a
`Resync` after any break in its subscription; a pump task, alive only while the outbox has
work, sends them in order. Durable events go through the delivery cursor (replayed ones
dropped, gaps filled from PostgreSQL); a resync brings the socket to its thread's head, ends
typing for turns no longer running and sends the text of the running one it has not seen.
Whatever path a turn's end takes, this socket sends `typing: false` after its terminal event
and never `typing: true` or a token for an ended turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings

from chat.events import Envelope, status_envelope, token_envelope, typing_envelope
from chat.history import RunningTurn, events_after, thread_states
from chat.publishing import frame_text, inflight_text
from chat.sockets import closes
from chat.sockets.cursors import Action, DeliveryCursor, StreamCursor
from chat.sockets.opening import SocketOpening

logger = logging.getLogger(__name__)

# A socket this far behind has stopped reading: it is closed (it resumes with last_seq).
MAX_OUTBOX = 2000
# Turns remembered as ended, per socket (a thread runs its turns one at a time).
ENDED_REMEMBERED = 32


@dataclass(frozen=True)
class Live:
    """A frame published on the socket's thread, with its wire text."""

    envelope: Envelope
    text: str


@dataclass(frozen=True)
class Local:
    """A frame for this socket alone (pong, errors, token expiry)."""

    envelope: Envelope


@dataclass(frozen=True)
class Resync:
    pass


@dataclass(frozen=True)
class Close:
    code: int


Item = Live | Local | Resync | Close
SendText = Callable[[str], Awaitable[None]]
CloseSocket = Callable[[int], Awaitable[None]]


class SocketGone(Exception):
    """The socket can take no more frames."""


class Session:
    def __init__(
        self, thread_id: UUID, user_id: int, send_text: SendText, close: CloseSocket
    ) -> None:
        self.id = uuid4().hex
        self.thread_id = thread_id
        self.thread_key = str(thread_id)
        self.user_id = user_id
        self._send_text = send_text
        self._close = close
        self.cursor = DeliveryCursor(0)
        self._streams = StreamCursor()
        self.typing: set[int] = set()  # turns this socket shows typing for
        self._ended: deque[int] = deque(maxlen=ENDED_REMEMBERED)
        self._typing_off_sent: deque[int] = deque(maxlen=ENDED_REMEMBERED)
        self._outbox: deque[Item] = deque()
        self._pump: asyncio.Task[None] | None = None
        self._ready = False
        self.closed = False
        # Counted against its user's sockets (chat/sockets/slots.py) once it is open.
        self.admitted = False

    # --- Feeding the outbox ----------------------------------------------------------------

    def push(self, item: Item) -> None:
        if self.closed:
            return
        if len(self._outbox) >= MAX_OUTBOX:
            logger.warning("ws_slow_consumer_closed", extra=self.log_context())
            self._outbox.clear()
            item = Close(closes.INTERNAL_ERROR)
        self._outbox.append(item)
        if self._ready and self._pump is None:
            self._pump = asyncio.get_running_loop().create_task(self._drain())

    async def start(self, opening: SocketOpening, connected: Envelope) -> None:
        """`connected`, then the replay and the running turn; then the outbox flows."""
        self.cursor = DeliveryCursor(opening.delivered_before_replay)
        await self._send(connected)
        if opening.resync_required:
            head = {"head_seq": opening.state.head_seq}
            await self._send(status_envelope(self.thread_key, "resync_required", head))
        for envelope in opening.replay:
            await self._send_durable(envelope)
        if opening.state.running is not None:
            await self._show_running(opening.state.running)
        self._ready = True
        if self._outbox and self._pump is None:
            self._pump = asyncio.get_running_loop().create_task(self._drain())

    async def stop(self) -> None:
        """The socket is gone: drop what is queued and stop the pump."""
        self.closed = True
        self._outbox.clear()
        pump, self._pump = self._pump, None
        if pump is not None and pump is not asyncio.current_task():
            pump.cancel()
            with contextlib.suppress(BaseException):
                await pump

    # --- The pump --------------------------------------------------------------------------

    async def _drain(self) -> None:
        try:
            while self._outbox and not self.closed:
                await self._handle(self._outbox.popleft())
        except SocketGone:
            self.closed = True
        except Exception:
            # Never leave a socket open and deaf: close it so its client resumes with last_seq.
            logger.exception("ws_delivery_failed", extra=self.log_context())
            self.closed = True
            with contextlib.suppress(Exception):
                await self._close(closes.INTERNAL_ERROR)
        finally:
            self._pump = None

    async def _handle(self, item: Item) -> None:
        if isinstance(item, Live):
            await self._live(item)
        elif isinstance(item, Local):
            await self._send(item.envelope)
        elif isinstance(item, Resync):
            await self._resync()
        else:
            self.closed = True
            await self._close(item.code)

    async def _live(self, item: Live) -> None:
        envelope, turn = item.envelope, item.envelope["in_reply_to"]
        seq = envelope["seq"]
        if seq is not None:
            action = self.cursor.action_for(seq)
            if action is Action.FILL_GAP:
                await self._catch_up(seq - 1)
                action = self.cursor.action_for(seq)
            if action is Action.SEND:
                await self._send_durable(envelope, item.text)
        elif envelope["event"] == "typing":
            await self._typing(turn, envelope["payload"]["value"], item.text)
        elif envelope["event"] == "token" and turn is not None and turn not in self._ended:
            payload = envelope["payload"]
            fresh = self._streams.unsent(turn, payload["offset"], payload["text"])
            if fresh is not None:
                offset, text = fresh
                if (offset, text) == (payload["offset"], payload["text"]):
                    await self._send_raw(item.text)
                else:
                    cid = envelope["correlation_id"]
                    await self._send(
                        token_envelope(self.thread_key, turn, cid, text=text, offset=offset)
                    )

    async def _typing(self, turn: int | None, value: bool, text: str) -> None:
        if turn is None:
            return
        if value:
            if turn in self._ended or turn in self._typing_off_sent or turn in self.typing:
                return
            self.typing.add(turn)
        else:
            if turn in self._typing_off_sent:
                return
            self.typing.discard(turn)
            self._typing_off_sent.append(turn)
        await self._send_raw(text)

    async def _resync(self) -> None:
        """Catch up with the thread as PostgreSQL has it (after a break in the subscription)."""
        now = (await thread_states([self.thread_id])).get(self.thread_id)
        if now is None:  # deleted meanwhile
            self.closed = True
            await self._close(closes.NOT_FOUND)
            return
        if now.head_seq > self.cursor.delivered_seq:
            await self._catch_up(now.head_seq)
        running = now.running
        for turn in sorted(self.typing):
            if running is None or running.seq != turn:
                await self._typing_off(turn, None)
        if running is not None and running.seq not in self._ended:
            await self._show_running(running)
        logger.info("ws_resynced", extra=self.log_context(head_seq=now.head_seq))

    async def _catch_up(self, up_to_seq: int) -> None:
        after = self.cursor.delivered_seq
        missed = await events_after(self.thread_id, after, up_to_seq - after)
        logger.info("ws_gap_filled", extra=self.log_context(missed=len(missed)))
        for envelope in missed:
            await self._send_durable(envelope)

    async def _show_running(self, running: RunningTurn) -> None:
        """Typing, then the reply's text this socket has not been sent yet."""
        if running.seq not in self.typing:
            self.typing.add(running.seq)
            await self._send(
                typing_envelope(self.thread_key, running.seq, running.correlation_id, value=True)
            )
        text = await inflight_text(running.id, running.attempt)
        fresh = self._streams.unsent(running.seq, 0, text) if text else None
        if fresh is not None:
            offset, piece = fresh
            await self._send(
                token_envelope(
                    self.thread_key, running.seq, running.correlation_id, text=piece, offset=offset
                )
            )

    # --- Sending ---------------------------------------------------------------------------

    async def _send_durable(self, envelope: Envelope, text: str | None = None) -> None:
        seq = envelope["seq"]
        assert seq is not None
        self.cursor.sent(seq)
        await self._send_raw(text or frame_text(envelope))
        turn = envelope["in_reply_to"]
        if turn is not None:  # a terminal event: the turn has ended
            self._ended.append(turn)
            self._streams.ended(turn)
            if turn in self.typing:
                await self._typing_off(turn, envelope["correlation_id"])

    async def _typing_off(self, turn: int, correlation_id: str | None) -> None:
        self.typing.discard(turn)
        self._typing_off_sent.append(turn)
        await self._send(typing_envelope(self.thread_key, turn, correlation_id, value=False))

    async def _send(self, envelope: Envelope) -> None:
        await self._send_raw(frame_text(envelope))

    async def _send_raw(self, text: str) -> None:
        if self.closed:
            raise SocketGone()
        try:
            # asyncio.timeout, not wait_for: no task per frame (a replay sends thousands).
            async with asyncio.timeout(settings.CHAT_SOCKET_SEND_TIMEOUT_SECS):
                await self._send_text(text)
        except TimeoutError:
            # The client stopped reading: let it go rather than buffer for it without bound.
            logger.warning("ws_slow_consumer_closed", extra=self.log_context())
            self.closed = True
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1):
                    await self._close(closes.INTERNAL_ERROR)
            raise SocketGone() from None
        except SocketGone:
            self.closed = True
            raise

    def log_context(self, **fields: Any) -> dict[str, Any]:
        return {"thread_id": self.thread_key, "user_id": self.user_id, **fields}
