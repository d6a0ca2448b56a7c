"""An agent's stream read to its end from a test (a thread without an event loop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")


def collected(items: AsyncIterator[T]) -> list[T]:
    async def read() -> list[T]:
        return [item async for item in items]

    return asyncio.run(read())
