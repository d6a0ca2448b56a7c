"""One chat WebSocket (docs/protocol.md, "2. The socket"), the ASGI adapter: parse and dispatch.

The socket is accepted first (closing during the handshake would reach browsers as 1006),
then authenticated and authorized, closing 4401/4403/4404/4429 before any frame. An opened
socket joins its node's hub (chat/sockets/hub.py) before its replay is read, and from then on
everything it is sent goes through its session's ordered outbox (chat/sockets/session.py).
Whatever ends the socket, the `finally` below releases its place, its gauge and its
subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs
from uuid import UUID

from django.conf import settings
from django.db import close_old_connections

from accounts.tokens import TokenIdentity, TokenRejected, access_token_identity_async
from chat.errors import ThreadForbidden, ThreadNotFound
from chat.events import (
    CancelRequestedPayload,
    ConnectedPayload,
    TokenExpiryPayload,
    error_envelope,
    iso_utc,
    status_envelope,
)
from chat.sockets import closes
from chat.sockets.client_frames import Auth, BadFrame, Cancel, FrameBudget, Ping, client_frame_parse
from chat.sockets.expiry import TokenExpiry
from chat.sockets.opening import SocketOpening, socket_open
from chat.sockets.session import Close, Local, Session, SocketGone
from chat.sockets.slots import socket_slot_release
from easy_islanders.asgi_types import Receive, Scope, Send
from easy_islanders.security import secure_scope, socket_origin_allowed
from observability.correlation import clean_correlation_id, correlation_enter
from observability.metrics import WS_CLOSES

if TYPE_CHECKING:
    from chat.sockets.node import SocketNode

logger = logging.getLogger(__name__)

SOCKET_PATH = re.compile(r"^/ws/chat/(?P<thread_id>[^/]+)/?$")
T = TypeVar("T")


class ChatSocket:
    def __init__(self, node: SocketNode, scope: Scope, receive: Receive, send: Send) -> None:
        self._node = node
        self._scope, self._receive, self._send = scope, receive, send
        self._closing = False
        self._log: dict[str, Any] = {"thread_id": None, "user_id": None}

    async def serve(self) -> None:
        query = parse_qs(self._scope["query_string"].decode("latin-1"))
        correlation_enter(clean_correlation_id(_first(query, "cid")))
        match = SOCKET_PATH.match(self._scope["path"])
        if match is None:
            await self._refuse(closes.NOT_FOUND, "no such socket path")
            return
        self._log["thread_id"] = match["thread_id"]
        origin, host = _header(self._scope, b"origin"), _header(self._scope, b"host")
        if not socket_origin_allowed(origin, host, secure_scope(self._scope)):
            await self._refuse(closes.FORBIDDEN, "origin not allowed")
            return
        try:
            identity = await access_token_identity_async(_first(query, "token"))
            thread_id = UUID(match["thread_id"])
        except TokenRejected as exc:
            await self._refuse(closes.UNAUTHORIZED, str(exc))
            return
        except ValueError:
            await self._refuse(closes.NOT_FOUND, "no such thread")
            return
        self._log["user_id"] = identity.user_id
        await self._serve_thread(identity, thread_id, _last_seq(query))

    async def _serve_thread(
        self, identity: TokenIdentity, thread_id: UUID, last_seq: int | None
    ) -> None:
        session = Session(thread_id, identity.user_id, self._send_text, self._close)
        expiry = TokenExpiry(session)
        opened_at = 0.0
        accepted_at = time.monotonic()
        code = closes.NO_STATUS
        try:
            await self._node.join(session)  # before reading PostgreSQL
            try:
                opening = await socket_open(identity.user_id, thread_id, last_seq)
            except ThreadForbidden:
                await self._refuse(closes.FORBIDDEN, "thread of another user")
                return
            except ThreadNotFound:
                await self._refuse(closes.NOT_FOUND, "no such thread")
                return
            if not await self._node.admit(session):
                await self._refuse(closes.TOO_MANY, "too many sockets for this user")
                return
            opened_at = time.monotonic()
            expiry.renew(identity.expires_at)
            await session.start(opening, _connected(session, opening, identity))
            logger.info(
                "ws_connected",
                extra={
                    **self._log,
                    "replayed": len(opening.replay),
                    "resumed_from": opening.resumed_from,
                    # From authentication to the last replayed frame handed to the server.
                    "open_ms": round((time.monotonic() - accepted_at) * 1000, 2),
                },
            )
            code = await self._receive_frames(session, expiry)
        except SocketGone:
            pass
        finally:
            # Synchronous first: nothing below may be skipped if this task is cancelled.
            self._node.leave(session)
            expiry.cancel()
            if opened_at:
                WS_CLOSES.labels(str(code)).inc()
                logger.info(
                    "ws_disconnected",
                    extra={
                        **self._log,
                        "code": code,
                        "duration_s": round(time.monotonic() - opened_at, 3),
                    },
                )
            await asyncio.shield(_released(session))

    # --- Client frames ---------------------------------------------------------------------

    async def _receive_frames(self, session: Session, expiry: TokenExpiry) -> int:
        """Answer the client's frames until it disconnects; its close code."""
        budget = FrameBudget(
            rate=settings.CHAT_SOCKET_FRAMES_PER_SEC, burst=2 * settings.CHAT_SOCKET_FRAMES_PER_SEC
        )
        while True:
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                return int(message.get("code") or closes.NO_STATUS)
            if self._closing or session.closed:
                continue  # closing: wait for the client's goodbye
            if not budget.spend():
                # A flood: close rather than answer each frame (4429: back off, then reconnect).
                logger.warning("ws_flood_closed", extra=self._log)
                session.push(Close(closes.TOO_MANY))
                continue
            try:
                frame = client_frame_parse(message.get("text"))
            except BadFrame as exc:
                session.push(Local(error_envelope(session.thread_key, "bad_request", str(exc))))
                continue
            if isinstance(frame, Ping):
                session.push(Local(status_envelope(session.thread_key, "pong", {})))
            elif isinstance(frame, Auth):
                await self._renew_auth(session, expiry, frame.token)
            elif isinstance(frame, Cancel):
                await self._cancel(session, frame.in_reply_to)

    async def _renew_auth(self, session: Session, expiry: TokenExpiry, token: str | None) -> None:
        try:
            identity = await access_token_identity_async(token)
        except TokenRejected as exc:
            logger.info("ws_auth_renewal_refused", extra={**self._log, "reason": str(exc)})
            message = "The new token was not accepted."
            session.push(Local(error_envelope(session.thread_key, "auth_failed", message)))
            return
        if identity.user_id != session.user_id:
            logger.info("ws_auth_renewal_refused", extra={**self._log, "reason": "other user"})
            message = "The new token is for another user."
            session.push(Local(error_envelope(session.thread_key, "auth_failed", message)))
            return
        expiry.renew(identity.expires_at)
        payload: TokenExpiryPayload = {"token_expires_at": iso_utc(identity.expires_at)}
        session.push(Local(status_envelope(session.thread_key, "token_renewed", payload)))
        logger.info("ws_auth_renewed", extra=self._log)

    async def _cancel(self, session: Session, in_reply_to: int | None) -> None:
        turn = await _off_loop(self._node.cancel, session.user_id, session.thread_id, in_reply_to)
        payload: CancelRequestedPayload = {
            "in_reply_to": turn.seq if turn else in_reply_to,
            "found": turn is not None,
        }
        session.push(Local(status_envelope(session.thread_key, "cancel_requested", payload)))

    # --- The ASGI side ---------------------------------------------------------------------

    async def _send_text(self, text: str) -> None:
        if self._closing:
            raise SocketGone()
        try:
            await self._send({"type": "websocket.send", "text": text})
        except Exception:  # the client went away mid-send
            self._closing = True
            raise SocketGone() from None

    async def _close(self, code: int) -> None:
        if self._closing:
            return
        self._closing = True
        with contextlib.suppress(Exception):
            await self._send({"type": "websocket.close", "code": code})

    async def _refuse(self, code: int, reason: str) -> None:
        WS_CLOSES.labels(str(code)).inc()
        logger.info("ws_refused", extra={**self._log, "code": code, "reason": reason})
        await self._close(code)


async def _released(session: Session) -> None:
    await session.stop()
    if session.admitted:
        await socket_slot_release(session.user_id, session.id)


def _connected(session: Session, opening: SocketOpening, identity: TokenIdentity) -> Any:
    payload: ConnectedPayload = {
        "head_seq": opening.state.head_seq,
        "resumed_from": opening.resumed_from,
        "token_expires_at": iso_utc(identity.expires_at),
    }
    return status_envelope(session.thread_key, "connected", payload)


async def _off_loop(function: Callable[..., T], *args: Any) -> T:
    """A sync domain call (the ORM) on a worker thread, its connection returned after."""

    def call() -> T:
        try:
            return function(*args)
        finally:
            close_old_connections()

    return await asyncio.to_thread(call)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _last_seq(query: dict[str, list[str]]) -> int | None:
    value = _first(query, "last_seq")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # unreadable: everything is replayed (or resync_required past the bound)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None
