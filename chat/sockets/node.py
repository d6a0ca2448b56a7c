"""A web process's socket side, owned by one object: the registry of its open sockets, the hub
that feeds them from Redis, their places in the per-user limit, and what control messages do
to them. `easy_islanders/asgi.py` makes one and wires in the one domain command a socket can
give (cancel a turn), so this package never imports the worker's."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from uuid import UUID

from django.conf import settings

from accounts.activity import user_forget, user_is_active_async, users_no_longer_active
from chat.models import Turn
from chat.publishing import Control
from chat.sockets import closes
from chat.sockets.app import ChatSocket
from chat.sockets.hub import Hub
from chat.sockets.registry import Registry
from chat.sockets.session import Close, Session
from chat.sockets.slots import SLOT_REFRESH_SECS, socket_slot_take, socket_slots_refresh
from easy_islanders.asgi_types import Receive, Scope, Send
from easy_islanders.pg import DatabaseUnavailable
from observability.metrics import WS_CONNECTIONS

# (user id, thread id, the seq answered or None for the oldest) → the turn asked to stop.
CancelTurn = Callable[[int, UUID, int | None], Turn | None]

GOODBYE_WAIT_SECS = 1.0
ACCOUNT_CHECK_MIN_SECS = 1.0


class SocketNode:
    def __init__(self, cancel: CancelTurn) -> None:
        self.registry = Registry()
        self.hub = Hub(self.registry, on_control=self._control)
        self.cancel = cancel
        # One task per process keeps every open socket's slot alive (not one per socket).
        self._slot_keeper: asyncio.Task[None] | None = None
        self._account_checker: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The chat socket, as an ASGI app."""
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await ChatSocket(self, scope, receive, send).serve()

    # --- A socket's place ------------------------------------------------------------------

    async def join(self, session: Session) -> None:
        """Hold the socket, its thread's frames reaching it from now on (before its replay is
        read, so nothing committed later is missed)."""
        await self.hub.join(session)

    async def admit(self, session: Session) -> bool:
        """Count the socket against its user's limit; False when the user is at it."""
        if not await socket_slot_take(session.user_id, session.id):
            return False
        session.admitted = True
        WS_CONNECTIONS.inc()
        if self._slot_keeper is None or self._slot_keeper.done():
            self._slot_keeper = asyncio.get_running_loop().create_task(self._keep_slots())
        if self._account_checker is None or self._account_checker.done():
            self._account_checker = asyncio.get_running_loop().create_task(self._check_accounts())
        return True

    def leave(self, session: Session) -> None:
        """Synchronous, so that a cancelled socket task still lets go of everything."""
        self.hub.leave(session)
        if session.admitted:
            WS_CONNECTIONS.dec()

    async def _keep_slots(self) -> None:
        while len(self.registry):
            await asyncio.sleep(SLOT_REFRESH_SECS)
            admitted = [(s.user_id, s.id) for s in self.registry.sessions() if s.admitted]
            await socket_slots_refresh(admitted)

    async def _check_accounts(self) -> None:
        """Close the sockets of accounts deactivated without a word to this process (an SQL
        UPDATE, a bulk change): every open socket's account asked again in one statement,
        every AUTH_ACTIVE_CHECK_SECS."""
        while len(self.registry):
            await asyncio.sleep(max(settings.AUTH_ACTIVE_CHECK_SECS, ACCOUNT_CHECK_MIN_SECS))
            open_users = {s.user_id for s in self.registry.sessions() if s.admitted}
            try:
                gone = await users_no_longer_active(open_users)
            except DatabaseUnavailable:
                continue  # asked again next time; a socket is not closed for PostgreSQL's sake
            for user_id in gone:
                for session in self.registry.of_user(user_id):
                    session.push(Close(closes.UNAUTHORIZED))

    # --- Closing sockets -------------------------------------------------------------------

    async def close_all(self, code: int = closes.GOING_AWAY) -> None:
        """Say goodbye to every socket (1001 on shutdown: clients reconnect with last_seq)."""
        sessions = self.registry.sessions()
        for session in sessions:
            session.push(Close(code))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(GOODBYE_WAIT_SECS):
                while any(not s.closed for s in sessions):
                    await asyncio.sleep(0.01)

    def _control(self, control: Control) -> None:
        if control["kind"] == "thread_deleted":
            for session in list(self.registry.of_thread(control["id"])):
                session.push(Close(closes.NOT_FOUND))
        elif control["kind"] == "user_changed":
            self._user_changed(int(control["id"]))

    def _user_changed(self, user_id: int) -> None:
        """An account was saved (perhaps deactivated): check it again, and close its sockets
        if it may no longer use them."""
        user_forget(user_id)

        async def check() -> None:
            with contextlib.suppress(Exception):
                if not await user_is_active_async(user_id):
                    for session in self.registry.of_user(user_id):
                        session.push(Close(closes.UNAUTHORIZED))

        self.hub.spawn(check())
