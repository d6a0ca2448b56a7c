"""The chat WebSocket (CONTRACT: WebSocket): a thin adapter over chat.sockets and delivery."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from accounts.tokens import TokenIdentity, TokenRejected, access_token_identity
from chat.delivery import Action, DeliveryCursor, StreamCursor
from chat.envelopes import Envelope, EnvelopeType, ephemeral_envelope
from chat.errors import ThreadForbidden, ThreadNotFound
from chat.publishing import thread_group
from chat.sockets import (
    SLOT_REFRESH_SECS,
    FrameBudget,
    SocketOpening,
    catch_up,
    socket_open,
    socket_slot_release,
    socket_slot_take,
    socket_slots_refresh,
)
from chat.streaming import inflight_text
from chat.turns import turn_cancel
from chat.watch import ensure_redis_watch
from easy_islanders.security import socket_origin_allowed
from observability.correlation import clean_correlation_id, correlation_enter
from observability.metrics import WS_CLOSES, WS_CONNECTIONS

logger = logging.getLogger(__name__)

CLOSE_GOING_AWAY = 1001
CLOSE_INTERNAL_ERROR = 1011
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429
MAX_CLIENT_FRAME_CHARS = 16 * 1024

# Open chat sockets of this process, so a shutdown can say goodbye (1001) to each.
open_sockets: set[ChatConsumer] = set()


class BadFrame(Exception):
    pass


def parse_client_frame(text: str | None) -> dict[str, Any]:
    if text is None:
        raise BadFrame("Frames must be JSON text.")
    if len(text) > MAX_CLIENT_FRAME_CHARS:
        raise BadFrame("The frame is too large.")
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise BadFrame("Frames must be JSON text.") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise BadFrame('A frame is a JSON object with a "type".')
    return frame


def _int_param(values: list[str] | None) -> int | None:
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return -1  # unreadable: treated as out of range (resync_required)


class ChatConsumer(AsyncWebsocketConsumer):
    thread_id: str
    user_id: int | None = None
    cursor: DeliveryCursor | None = None
    frame_budget: FrameBudget
    # A timer, not a task: a socket mostly waits, and 10,000 of them should cost little memory.
    _expiry_timer: asyncio.TimerHandle | None = None
    _opened_at: float = 0.0

    # --- Connection --------------------------------------------------------------------------

    async def connect(self) -> None:
        # Accept first: closing during the handshake becomes an HTTP 403 and browsers see 1006.
        await self.accept()
        self._opened_at = time.monotonic()
        self.streams = StreamCursor()
        query = parse_qs(self.scope["query_string"].decode("latin-1"))
        correlation_enter(clean_correlation_id((query.get("cid") or [None])[0]))
        self.thread_id = self.scope["url_route"]["kwargs"]["thread_id"]
        if not socket_origin_allowed(_header(self.scope, b"origin")):
            await self._refuse(CLOSE_FORBIDDEN, "origin not allowed")
            return
        # Join before reading, so an event committed during the replay read arrives live.
        await self.channel_layer.group_add(thread_group(self.thread_id), self.channel_name)
        try:
            opening = await database_sync_to_async(socket_open)(
                (query.get("token") or [None])[0], self.thread_id, _int_param(query.get("last_seq"))
            )
        except TokenRejected as exc:
            await self._refuse(CLOSE_UNAUTHORIZED, str(exc))
            return
        except ThreadForbidden:
            await self._refuse(CLOSE_FORBIDDEN, "thread of another user")
            return
        except ThreadNotFound:
            await self._refuse(CLOSE_NOT_FOUND, "no such thread")
            return
        if not await socket_slot_take(opening.identity.user_id, self.channel_name):
            await self._refuse(CLOSE_TOO_MANY, "too many sockets for this user")
            return
        await self._opened(opening)

    async def _opened(self, opening: SocketOpening) -> None:
        self.user_id = opening.identity.user_id
        self.frame_budget = FrameBudget(
            rate=settings.CHAT_SOCKET_FRAMES_PER_SEC, burst=2 * settings.CHAT_SOCKET_FRAMES_PER_SEC
        )
        self.cursor = DeliveryCursor(opening.delivered_before_replay)
        open_sockets.add(self)
        WS_CONNECTIONS.inc()
        ensure_redis_watch(_close_all_for_resume)
        self._renew_expiry(opening.identity)
        _ensure_slot_keeper()
        await self._send_status(
            "connected",
            {
                "head_seq": opening.head_seq,
                "resumed_from": opening.resumed_from,
                "token_expires_at": _iso(opening.identity.expires_at),
            },
        )
        if opening.resync_required:
            await self._send_status("resync_required", {"head_seq": opening.head_seq})
        for envelope in opening.replay:
            await self._send(envelope)
        if opening.running is not None:
            await self._join_stream(opening)
        logger.info(
            "ws_connected",
            extra=self._log_context(
                replayed=len(opening.replay), resumed_from=opening.resumed_from
            ),
        )

    async def _join_stream(self, opening: SocketOpening) -> None:
        """Mid-stream: typing, then the text generated so far; live pieces continue from it."""
        running = opening.running
        assert running is not None
        await self._send_raw(
            ephemeral_envelope(
                "chat_status",
                "typing",
                thread_id=self.thread_id,
                payload={"value": True},
                in_reply_to=running.seq,
                correlation_id=running.correlation_id,
            )
        )
        text = await inflight_text(running.id)
        if text:
            self.streams.sent(running.seq, 0, text)
            await self._send_raw(
                ephemeral_envelope(
                    "chat_delta",
                    "token",
                    thread_id=self.thread_id,
                    payload={"text": text, "offset": 0},
                    in_reply_to=running.seq,
                    correlation_id=running.correlation_id,
                )
            )

    async def _refuse(self, code: int, reason: str) -> None:
        WS_CLOSES.labels(str(code)).inc()
        await self.channel_layer.group_discard(thread_group(self.thread_id), self.channel_name)
        logger.info("ws_refused", extra=self._log_context(code=code, reason=reason))
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        open_sockets.discard(self)
        if self._expiry_timer is not None:
            self._expiry_timer.cancel()
        with contextlib.suppress(Exception):  # Redis may be why the socket is closing
            await self.channel_layer.group_discard(thread_group(self.thread_id), self.channel_name)
        if self.user_id is not None:
            WS_CONNECTIONS.dec()
            WS_CLOSES.labels(str(code)).inc()
            await socket_slot_release(self.user_id, self.channel_name)
            logger.info(
                "ws_disconnected",
                extra=self._log_context(
                    code=code, duration_s=round(time.monotonic() - self._opened_at, 3)
                ),
            )

    async def say_goodbye(self, code: int = CLOSE_GOING_AWAY) -> None:
        """Close from the server's side: 1001 when shutting down, 1011 when the socket can no
        longer be kept up to date; either way the client reconnects with last_seq."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.close(code=code), 1)

    # --- Client frames ----------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.cursor is None:
            return  # refused socket: closing
        if not self.frame_budget.spend():
            # A flood: close rather than answer each frame (4429: back off, then reconnect).
            logger.warning("ws_flood_closed", extra=self._log_context())
            self.cursor = None
            WS_CLOSES.labels(str(CLOSE_TOO_MANY)).inc()
            await self.close(code=CLOSE_TOO_MANY)
            return
        try:
            frame = parse_client_frame(text_data)
        except BadFrame as exc:
            await self._bad_request(str(exc))
            return
        kind = frame["type"]
        if kind == "ping":
            await self._send_status("pong", {})
        elif kind == "auth":
            await self._renew_auth(frame.get("token"))
        elif kind == "cancel":
            await self._cancel(frame.get("in_reply_to"))
        else:
            await self._bad_request(f"Unknown frame type {kind[:40]!r}.")

    async def _cancel(self, in_reply_to: Any) -> None:
        if in_reply_to is not None and (
            not isinstance(in_reply_to, int) or isinstance(in_reply_to, bool)
        ):
            await self._bad_request('"in_reply_to" must be the seq of the message.')
            return
        assert self.user_id is not None
        turn = await database_sync_to_async(turn_cancel)(self.user_id, self.thread_id, in_reply_to)
        await self._send_status(
            "cancel_requested",
            {"in_reply_to": turn.seq if turn else in_reply_to, "found": turn is not None},
        )

    async def _renew_auth(self, token: Any) -> None:
        try:
            identity = await database_sync_to_async(access_token_identity)(
                token if isinstance(token, str) else None
            )
        except TokenRejected as exc:
            logger.info("ws_auth_renewal_refused", extra=self._log_context(reason=str(exc)))
            await self._send_error("auth_failed", "The new token was not accepted.")
            return
        if identity.user_id != self.user_id:
            logger.info("ws_auth_renewal_refused", extra=self._log_context(reason="other user"))
            await self._send_error("auth_failed", "The new token is for another user.")
            return
        self._renew_expiry(identity)
        await self._send_status("token_renewed", {"token_expires_at": _iso(identity.expires_at)})
        logger.info("ws_auth_renewed", extra=self._log_context())

    # --- Token expiry and liveness ----------------------------------------------------------

    def _renew_expiry(self, identity: TokenIdentity) -> None:
        """`token_expiring` ahead of the token's expiry, then 4401 at it (unless renewed)."""
        if self._expiry_timer is not None:
            self._expiry_timer.cancel()
        expires_at = identity.expires_at
        remaining = expires_at.timestamp() - time.time()
        lead = min(settings.CHAT_TOKEN_EXPIRING_LEAD_SECS, remaining / 2)
        self._expiry_timer = asyncio.get_running_loop().call_later(
            max(0.0, remaining - lead), self._token_expiring, expires_at
        )

    def _token_expiring(self, expires_at: datetime) -> None:
        self._expiry_timer = asyncio.get_running_loop().call_later(
            max(0.0, expires_at.timestamp() - time.time()), self._token_expired
        )
        _in_background(self._send_status("token_expiring", {"token_expires_at": _iso(expires_at)}))

    def _token_expired(self) -> None:
        self._expiry_timer = None
        logger.info("ws_token_expired", extra=self._log_context())
        _in_background(self.close(code=CLOSE_UNAUTHORIZED))

    # --- Live frames from the thread's group ------------------------------------------------

    async def chat_event(self, message: dict[str, Any]) -> None:
        envelope: Envelope = message["envelope"]
        if self.cursor is None:
            return
        seq = envelope["seq"]
        if seq is None:
            await self._live_ephemeral(envelope)
            return
        action = self.cursor.action_for(seq)
        if action is Action.FILL_GAP:
            missed = await database_sync_to_async(catch_up)(
                self.thread_id, self.cursor.delivered_seq, seq - 1
            )
            logger.info("ws_gap_filled", extra=self._log_context(missed=len(missed)))
            for earlier in missed:
                await self._send(earlier)
            action = self.cursor.action_for(seq)
        if action is Action.SEND:
            await self._send(envelope)
        if envelope["in_reply_to"] is not None:
            self.streams.ended(envelope["in_reply_to"])

    async def _live_ephemeral(self, envelope: Envelope) -> None:
        if envelope["type"] == "chat_delta" and envelope["in_reply_to"] is not None:
            # Drop what this socket already has (the text-so-far sent when it joined).
            payload = envelope["payload"]
            fresh = self.streams.unsent(envelope["in_reply_to"], payload["offset"], payload["text"])
            if fresh is None:
                return
            offset, text = fresh
            envelope = {**envelope, "payload": {"text": text, "offset": offset}}
        await self._send_raw(envelope)

    # --- Sending ----------------------------------------------------------------------------

    async def _send(self, envelope: Envelope) -> None:
        """Send a durable event, keeping the cursor in step."""
        assert self.cursor is not None and envelope["seq"] is not None
        self.cursor.sent(envelope["seq"])
        await self._send_raw(envelope)

    async def _send_raw(self, envelope: Envelope) -> None:
        data = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        try:
            # asyncio.timeout, not wait_for: no task per frame (a replay sends thousands).
            async with asyncio.timeout(settings.CHAT_SOCKET_SEND_TIMEOUT_SECS):
                await self.send(text_data=data)
        except TimeoutError:
            # The client stopped reading: let it go rather than buffer for it without bound.
            logger.warning("ws_slow_consumer_closed", extra=self._log_context())
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.close(code=CLOSE_INTERNAL_ERROR), 1)
            raise StopConsumer() from None

    async def _send_status(
        self, event: str, payload: dict[str, Any], in_reply_to: int | None = None
    ) -> None:
        await self._send_ephemeral("chat_status", event, payload, in_reply_to)

    async def _send_error(self, code: str, message: str) -> None:
        await self._send_ephemeral(
            "chat_error", code, {"code": code, "message": message, "retryable": False}
        )

    async def _bad_request(self, message: str) -> None:
        await self._send_error("bad_request", message)

    async def _send_ephemeral(
        self,
        type_: EnvelopeType,
        event: str,
        payload: dict[str, Any],
        in_reply_to: int | None = None,
    ) -> None:
        await self._send_raw(
            ephemeral_envelope(
                type_, event, thread_id=self.thread_id, payload=payload, in_reply_to=in_reply_to
            )
        )

    def _log_context(self, **fields: Any) -> dict[str, Any]:
        return {"thread_id": self.thread_id, "user_id": self.user_id, **fields}


# Work started from timers: held here until done (the loop keeps only weak references).
_background: set[asyncio.Task[Any]] = set()
_slot_keeper: asyncio.Task[None] | None = None


def _in_background(work: Coroutine[Any, Any, Any]) -> None:
    async def quietly() -> None:
        with contextlib.suppress(StopConsumer):  # the socket was closed as too slow: done
            await work

    task = asyncio.get_running_loop().create_task(quietly())
    _background.add(task)
    task.add_done_callback(_background.discard)


def _ensure_slot_keeper() -> None:
    """One task per process keeps every open socket's slot alive (not one task per socket)."""
    global _slot_keeper
    if _slot_keeper is None or _slot_keeper.done():
        _slot_keeper = asyncio.get_running_loop().create_task(_keep_slots())


async def _keep_slots() -> None:
    while True:
        await asyncio.sleep(SLOT_REFRESH_SECS)
        await socket_slots_refresh(
            [(s.user_id, s.channel_name) for s in open_sockets if s.user_id is not None]
        )


async def _close_all_for_resume() -> None:
    await asyncio.gather(*(s.say_goodbye(CLOSE_INTERNAL_ERROR) for s in list(open_sockets)))


class UnknownSocketConsumer(AsyncWebsocketConsumer):
    """Any other socket path: accept, then close 4404 (no such thread)."""

    async def connect(self) -> None:
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
