"""A turn's time limit, in one place: CHAT_TURN_DEADLINE_SECS from the moment it was queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings


def turn_deadline(queued_at: datetime) -> datetime:
    """When a turn queued at `queued_at` must have ended (with `deadline_exceeded` if need be)."""
    return queued_at + timedelta(seconds=settings.CHAT_TURN_DEADLINE_SECS)


def overdue_if_queued_before(now: datetime) -> datetime:
    """Unfinished turns queued before this moment are past their deadline at `now`."""
    return now - timedelta(seconds=settings.CHAT_TURN_DEADLINE_SECS)


def turn_keys_ttl_secs() -> int:
    """How long a turn's Redis keys (stop requests, text so far) live: past any deadline."""
    return settings.CHAT_TURN_DEADLINE_SECS * 2
