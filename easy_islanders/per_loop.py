"""One object per event loop: asyncio clients, tasks and futures belong to the loop they were
made on, so what a process keeps for "the" loop (a Redis client, the streams' outbox, the stop
board) is kept per loop, made on first use from that loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    def __init__(self, make: Callable[[asyncio.AbstractEventLoop], T]) -> None:
        self._make = make
        self._made: dict[asyncio.AbstractEventLoop, T] = {}

    def get(self) -> T:
        """The running loop's object, made now if it has none."""
        loop = asyncio.get_running_loop()
        made = self._made.get(loop)
        if made is None:
            made = self._made[loop] = self._make(loop)
        return made

    def pop(self) -> T | None:
        """Forget the running loop's object (to close it before the loop ends)."""
        return self._made.pop(asyncio.get_running_loop(), None)
