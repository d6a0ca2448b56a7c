"""The Redis clients on the real Redis: a burst of commands past the pool's size waits for a
connection instead of failing (redis-py's plain pool raised MaxConnectionsError past 100)."""

from __future__ import annotations

import asyncio

import pytest

from easy_islanders import redis as ei_redis
from easy_islanders.redis import async_redis_client
from tests.chat.capture import run_async


def test_a_burst_past_the_pool_size_waits_for_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ei_redis, "POOL_MAX_CONNECTIONS", 4)

    async def burst() -> list[object]:
        client = async_redis_client()
        # BLPOP with a timeout holds its connection for a moment: 40 of them need 10 rounds.
        return await asyncio.gather(
            *(client.blpop([f"ei:test:burst:{i}"], timeout=0.05) for i in range(40))
        )

    assert run_async(burst()) == [None] * 40
