"""Sockets per user, across web processes: a Redis sorted set per user (socket → last sign of
life). Every process refreshes its sockets' entries every SLOT_REFRESH_SECS in one round trip;
entries of sockets whose process died without a goodbye expire after SLOT_TTL_SECS."""

from __future__ import annotations

import logging
import time

from django.conf import settings

from easy_islanders.redis import async_redis_client

logger = logging.getLogger(__name__)

SLOT_TTL_SECS = 90
SLOT_REFRESH_SECS = 30


def _slots_key(user_id: int) -> str:
    return f"ei:ws:user:{user_id}"


async def socket_slot_take(user_id: int, socket_id: str) -> bool:
    """Count this socket against the user's limit; False when the user is already at it."""
    key, now = _slots_key(user_id), time.time()
    try:
        async with async_redis_client().pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, 0, now - SLOT_TTL_SECS)
            pipe.zadd(key, {socket_id: now})
            pipe.zcard(key)
            pipe.expire(key, SLOT_TTL_SECS)
            _, _, count, _ = await pipe.execute()
        if count > settings.CHAT_MAX_SOCKETS_PER_USER:
            await async_redis_client().zrem(key, socket_id)
            return False
    except Exception as exc:  # Redis down: let the socket in rather than lock everyone out
        logger.warning("ws_slot_check_failed", extra={"error": type(exc).__name__})
    return True


async def socket_slots_refresh(slots: list[tuple[int, str]]) -> None:
    """Mark these (user, socket) slots alive, in one round trip."""
    if not slots:
        return
    now = time.time()
    try:
        async with async_redis_client().pipeline(transaction=False) as pipe:
            for user_id, socket_id in slots:
                pipe.zadd(_slots_key(user_id), {socket_id: now}, xx=True)
                pipe.expire(_slots_key(user_id), SLOT_TTL_SECS)
            await pipe.execute()
    except Exception as exc:
        logger.warning("ws_slot_check_failed", extra={"error": type(exc).__name__})


async def socket_slot_release(user_id: int, socket_id: str) -> None:
    try:
        await async_redis_client().zrem(_slots_key(user_id), socket_id)
    except Exception as exc:
        logger.warning("ws_slot_check_failed", extra={"error": type(exc).__name__})
