"""The one way chat events reach sockets: a doorbell on the thread's channel-layer group.

Publishing is at-most-once and may fail (Redis down); that is fine because every durable event
is already a row, and sockets fill any gap from PostgreSQL. So publishing never raises.

Sync callers (HTTP views, Celery worker threads) publish through one long-lived event loop per
process instead of `async_to_sync` per call, which would build a new loop and a new Redis
connection for every frame.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any

from channels.layers import get_channel_layer

from chat.envelopes import Envelope

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT_SECS = 2.0
CHAT_EVENT = "chat.event"  # lands on ChatConsumer.chat_event


def thread_group(thread_id: str) -> str:
    return f"thread.{thread_id}"


class _LoopThread:
    """A daemon thread running an asyncio loop that sync code hands coroutines to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop())
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked child must not reuse its parent's loop (its thread did not survive).
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="publisher-loop", daemon=True
                ).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop


loop_thread = _LoopThread()


async def group_send(envelope: Envelope) -> None:
    """Send a frame to every socket of its thread (from async code). May raise."""
    message = {"type": CHAT_EVENT, "envelope": envelope}
    await get_channel_layer().group_send(thread_group(envelope["thread_id"]), message)


def publish(envelope: Envelope) -> None:
    """Ring the thread's doorbell with this frame, from sync code. Logs and returns on failure."""
    try:
        loop_thread.run(group_send(envelope), PUBLISH_TIMEOUT_SECS)
    except Exception as exc:
        logger.warning(
            "publish_failed",
            extra={
                "frame": envelope["event"],
                "seq": envelope["seq"],
                "thread_id": envelope["thread_id"],
                "error": type(exc).__name__,
            },
        )
