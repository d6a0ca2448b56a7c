"""Is this user's account active? Answered from memory, checked with PostgreSQL at most every
AUTH_ACTIVE_CHECK_SECS per user and process.

A valid access token is not enough: a deactivated user must be refused. Asking PostgreSQL on
every request and socket would cost a round trip each time, so each process remembers the
answer for a bounded time: a deactivated user is refused everywhere within
AUTH_ACTIVE_CHECK_SECS, and at once where the change is announced (`user_forget`, called for
every process when an account is saved).
"""

from __future__ import annotations

import time
from collections.abc import Collection

from django.conf import settings

from easy_islanders.pg import fetch_all, fetch_one

_known: dict[int, tuple[bool, float]] = {}  # user id → (active, when checked)
_MAX_KNOWN = 100_000

_ACTIVE_SQL = "SELECT is_active FROM auth_user WHERE id = %s"
_ACTIVE_AMONG_SQL = "SELECT id FROM auth_user WHERE id = ANY(%s) AND is_active"


def _remembered(user_id: int) -> bool | None:
    known = _known.get(user_id)
    if known is None or time.monotonic() - known[1] > settings.AUTH_ACTIVE_CHECK_SECS:
        return None
    return known[0]


def _remember(user_id: int, active: bool) -> bool:
    if len(_known) >= _MAX_KNOWN:
        _known.clear()
    _known[user_id] = (active, time.monotonic())
    return active


async def user_is_active_async(user_id: int) -> bool:
    """Is the account active? (From the event loop: hand-written SQL, no thread hop.)"""
    known = _remembered(user_id)
    if known is not None:
        return known
    row = await fetch_one(_ACTIVE_SQL, (user_id,))
    return _remember(user_id, bool(row and row[0]))


async def users_no_longer_active(user_ids: Collection[int]) -> set[int]:
    """Which of these accounts are deactivated or gone, asked of PostgreSQL in one statement
    (the answers are remembered too). Raises DatabaseUnavailable."""
    if not user_ids:
        return set()
    rows = await fetch_all(_ACTIVE_AMONG_SQL, (list(user_ids),))
    active = {row[0] for row in rows}
    for user_id in user_ids:
        _remember(user_id, user_id in active)
    return set(user_ids) - active


def user_forget(user_id: int) -> None:
    """The account changed: ask PostgreSQL next time."""
    _known.pop(user_id, None)
