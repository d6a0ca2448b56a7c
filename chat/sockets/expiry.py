"""A socket's credentials run out: `token_expiring` ahead of expiry, then 4401 at it, unless
the client renews them in place with an `auth` frame. Timers, not tasks: a socket mostly
waits, and 10,000 of them should cost little."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from django.conf import settings

from chat.events import TokenExpiryPayload, iso_utc, status_envelope
from chat.sockets import closes
from chat.sockets.session import Close, Local, Session

logger = logging.getLogger(__name__)


class TokenExpiry:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._timer: asyncio.TimerHandle | None = None

    def renew(self, expires_at: datetime) -> None:
        self.cancel()
        remaining = expires_at.timestamp() - time.time()
        lead = min(settings.CHAT_TOKEN_EXPIRING_LEAD_SECS, remaining / 2)
        self._timer = asyncio.get_running_loop().call_later(
            max(0.0, remaining - lead), self._expiring, expires_at
        )

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expiring(self, expires_at: datetime) -> None:
        self._timer = asyncio.get_running_loop().call_later(
            max(0.0, expires_at.timestamp() - time.time()), self._expired
        )
        payload: TokenExpiryPayload = {"token_expires_at": iso_utc(expires_at)}
        session = self._session
        session.push(Local(status_envelope(session.thread_key, "token_expiring", payload)))

    def _expired(self) -> None:
        self._timer = None
        logger.info("ws_token_expired", extra=self._session.log_context())
        self._session.push(Close(closes.UNAUTHORIZED))
