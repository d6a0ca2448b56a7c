"""The open chat sockets of this web process: counted, kept alive in the per-user slots, and
closed together when the process shuts down (1001) or an account is deactivated (4401)."""

from __future__ import annotations

import asyncio
import contextlib

from chat.session import Close, Session
from chat.socket_slots import SLOT_REFRESH_SECS, socket_slots_refresh
from observability.metrics import WS_CONNECTIONS

CLOSE_GOING_AWAY = 1001
CLOSE_UNAUTHORIZED = 4401
GOODBYE_WAIT_SECS = 1.0


class Registry:
    def __init__(self) -> None:
        self._sessions: set[Session] = set()
        # One task per process keeps every open socket's slot alive (not one per socket).
        self._slot_keeper: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._sessions)

    def add(self, session: Session) -> None:
        self._sessions.add(session)
        WS_CONNECTIONS.inc()
        if self._slot_keeper is None or self._slot_keeper.done():
            self._slot_keeper = asyncio.get_running_loop().create_task(self._keep_slots())

    def discard(self, session: Session) -> None:
        if session in self._sessions:
            self._sessions.remove(session)
            WS_CONNECTIONS.dec()

    def close_user(self, user_id: int) -> None:
        for session in [s for s in self._sessions if s.user_id == user_id]:
            session.push(Close(CLOSE_UNAUTHORIZED))

    async def close_all(self, code: int = CLOSE_GOING_AWAY) -> None:
        """Say goodbye to every socket (1001 on shutdown: clients reconnect with last_seq)."""
        for session in list(self._sessions):
            session.push(Close(code))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(GOODBYE_WAIT_SECS):
                while any(not s.closed for s in self._sessions):
                    await asyncio.sleep(0.01)

    async def _keep_slots(self) -> None:
        while self._sessions:
            await asyncio.sleep(SLOT_REFRESH_SECS)
            await socket_slots_refresh([(s.user_id, s.id) for s in self._sessions])


registry = Registry()
