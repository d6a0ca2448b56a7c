"""Every close code a chat socket is closed with, and when (docs/protocol.md, "3. Close codes")."""

from __future__ import annotations

from typing import Final

GOING_AWAY: Final = 1001  # the web process is shutting down: reconnect with last_seq
NO_STATUS: Final = 1005  # the client closed without a code (what we log)
INTERNAL_ERROR: Final = 1011  # delivery failed or the client stopped reading: resume
UNAUTHORIZED: Final = 4401  # no valid token, it expired, or the account may no longer log in
FORBIDDEN: Final = 4403  # the origin is not allowed, or the thread is another user's
NOT_FOUND: Final = 4404  # no such thread (or path), or the thread was deleted
TOO_MANY: Final = 4429  # too many sockets for this user, or a flood of client frames
