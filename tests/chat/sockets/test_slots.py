"""Per-user socket slots (real Redis)."""

from __future__ import annotations

import asyncio
import time
import uuid

from chat.sockets.slots import (
    _slots_key,
    socket_slot_release,
    socket_slot_take,
    socket_slots_refresh,
)
from easy_islanders.redis import async_redis_client


def test_one_refresh_keeps_every_live_slot_and_revives_no_released_one() -> None:
    user_id = uuid.uuid4().int % 10**9

    async def scenario() -> list[tuple[str, float]]:
        assert await socket_slot_take(user_id, "live")
        assert await socket_slot_take(user_id, "gone")
        await socket_slot_release(user_id, "gone")
        redis = async_redis_client()
        await redis.zadd(_slots_key(user_id), {"live": 1.0})  # as if last seen long ago
        await socket_slots_refresh([(user_id, "live"), (user_id, "gone")])
        slots = await redis.zrange(_slots_key(user_id), 0, -1, withscores=True)
        await redis.delete(_slots_key(user_id))
        return [(str(pair[0]), float(pair[1])) for pair in slots]

    slots = asyncio.run(scenario())
    assert [member for member, _ in slots] == ["live"]
    assert slots[0][1] > time.time() - 60
