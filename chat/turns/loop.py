"""The event loop a worker process runs its turns on.

Celery stays the queue: each delivery of `chat.run_turn` arrives on one of the worker's pool
threads, which hands the turn to this loop and waits (a thread that waits costs no CPU and no
GIL), so the task is acknowledged only once the turn has stored its terminal event. The turn
itself (claim, the LLM stream, every frame, finish) runs here with the others, on the asyncio
clients of PostgreSQL, Redis and the LLM: a thousand streams in flight are a thousand
coroutines on one thread, not a thousand threads taking turns at the GIL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from easy_islanders.pg import pool_close
from easy_islanders.redis import async_redis_close

logger = logging.getLogger(__name__)

T = TypeVar("T")
STOP_TIMEOUT_SECS = 5.0


class TurnLoop:
    """One asyncio loop per process on a daemon thread, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and wait for its result (from any thread but the loop's)."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop())
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def stop(self) -> None:
        """Close the loop's PostgreSQL pool and Redis client, then end it (the worker's
        shutdown, once its tasks have returned). A later `run` starts a new loop."""
        with self._lock:
            loop, self._loop = (self._loop if self._pid == os.getpid() else None), None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(_close_clients(), loop).result(STOP_TIMEOUT_SECS)
        except Exception as exc:
            logger.warning("turn_loop_close_failed", extra={"error": type(exc).__name__})
        loop.call_soon_threadsafe(loop.stop)

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked child must not reuse its parent's loop (its thread did not survive).
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="turn-loop", daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop


async def _close_clients() -> None:
    await pool_close()
    await async_redis_close()


turn_loop = TurnLoop()
