"""What a domain call publishes, captured from the real Redis channels after commit (as
Zulip's tests capture the events a change sends).

    with published(thread.id) as frames:
        message_accept(...)
        assert frames.so_far() == []  # the transaction is still open
    assert frames.events() == ["user_message"]

`published` subscribes to the thread channels (and, if asked, the control channel) before the
block and runs the block inside `captureOnCommitCallbacks(execute=True)`: in a test wrapped
in a transaction (`django_db`), the callbacks registered in the block run when it ends, as
they would at commit; in a transactional test (`committed`), they run when the code's own
transaction commits.

No sleeping and guessing how long to wait: to read "everything published so far", a marker
is published on a channel of the capture's own, on the same subscription. Redis runs one
command at a time and sends a subscriber its messages in that order, so every PUBLISH that
returned before the marker's comes before it.

Also here, for the tests whose rows other connections must see (the hot path's pool) or
that run a turn to its end (the worker gives its connection back mid-turn, which a test's
transaction would not survive): `committed`, their mark; `run_async`; and `accepted`, messages
accepted as the HTTP path accepts them, committed. And `agent_configured`, for the agent.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
import redis
from django.conf import settings
from django.test import TestCase, override_settings

from agents.registry import supervisor_agent
from chat.messages import Acceptance, message_accept_async
from chat.publishing import CONTROL_CHANNEL, THREAD_CHANNEL_PREFIX, thread_channel
from easy_islanders import pg
from easy_islanders import redis as ei_redis
from easy_islanders.redis import redis_client

T = TypeVar("T")
WAIT_SECS = 5.0
# For the users the tests make: the default hasher takes ~0.3 s a password, by design.
QUICK_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_MARKER_PREFIX = "ei:test:capture:"

# A transactional test (its rows committed, so the hot path's own pool sees them) that
# flushes only the chat's tables and the users when it ends: the demo catalog, seeded once
# per session and read by the live stack's tests, stays.
committed = pytest.mark.django_db(
    transaction=True, available_apps=["django.contrib.auth", "accounts", "chat"]
)


class Published:
    """The frames seen on the subscribed channels, in the order Redis delivered them."""

    def __init__(self, client: redis.Redis, pubsub: Any, marker: str) -> None:
        self._client, self._pubsub, self._marker = client, pubsub, marker
        self.frames: list[dict[str, Any]] = []  # thread frames (envelopes), parsed
        self.controls: list[dict[str, Any]] = []  # control messages, parsed
        self.raw: list[tuple[str, str]] = []  # (channel, data) of both, as published

    def sync(self) -> None:
        """Read everything published so far (up to the marker)."""
        token = uuid.uuid4().hex
        self._client.publish(self._marker, token)
        deadline = time.monotonic() + WAIT_SECS
        while time.monotonic() < deadline:
            message = self._pubsub.get_message(timeout=max(0.0, deadline - time.monotonic()))
            if message is None or message["type"] not in ("message", "pmessage"):
                continue
            channel, data = str(message["channel"]), str(message["data"])
            if channel == self._marker:
                if data == token:
                    return
                continue
            self.raw.append((channel, data))
            if channel == CONTROL_CHANNEL:
                self.controls.append(json.loads(data))
            else:
                self.frames.append(json.loads(data))
        raise AssertionError(f"the capture's own marker did not come back in {WAIT_SECS} s")

    def so_far(self) -> list[dict[str, Any]]:
        """The thread frames published until now."""
        self.sync()
        return list(self.frames)

    def wait_for(self, count: int, timeout: float = WAIT_SECS) -> list[dict[str, Any]]:
        """The thread frames once at least `count` have come (for frames sent from another
        thread that nobody waits for); fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while len(self.so_far()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.frames)} frames, not {count}: {self.frames}")
            time.sleep(0.01)
        return list(self.frames)

    def of(self, thread_id: uuid.UUID | str) -> list[dict[str, Any]]:
        return [frame for frame in self.frames if frame["thread_id"] == str(thread_id)]

    def events(self, thread_id: uuid.UUID | str | None = None) -> list[str]:
        """The `event` of each thread frame (of one thread if named)."""
        frames = self.frames if thread_id is None else self.of(thread_id)
        return [str(frame["event"]) for frame in frames]

    def controls_for(self, id_: Any) -> list[dict[str, Any]]:
        """Control messages about one id (another process's, about other ids, are ignored)."""
        return [control for control in self.controls if control["id"] == str(id_)]


@contextmanager
def published(
    *thread_ids: uuid.UUID | str, control: bool = False, any_thread: bool = False
) -> Iterator[Published]:
    """Capture what the block publishes on these threads' channels (every thread's with
    `any_thread`; the control channel with `control`), on-commit callbacks included."""
    client = redis.Redis.from_url(
        settings.REDIS_URL, decode_responses=True, socket_timeout=WAIT_SECS + 1
    )
    pubsub = client.pubsub()  # type: ignore[no-untyped-call]
    marker = _MARKER_PREFIX + uuid.uuid4().hex
    channels = [thread_channel(str(thread_id)) for thread_id in thread_ids]
    channels += [CONTROL_CHANNEL] if control else []
    try:
        pubsub.subscribe(marker, *channels)
        if any_thread:
            pubsub.psubscribe(THREAD_CHANNEL_PREFIX + "*")
        _confirmed(pubsub, len(channels) + 1 + int(any_thread))
        capture = Published(client, pubsub, marker)
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield capture
        capture.sync()
    finally:
        pubsub.close()
        client.close()


def _confirmed(pubsub: Any, count: int) -> None:
    """Wait until Redis has confirmed each subscription (only then is a PUBLISH seen)."""
    deadline = time.monotonic() + WAIT_SECS
    seen = 0
    while seen < count:
        if time.monotonic() > deadline:
            raise AssertionError("Redis did not confirm the capture's subscriptions")
        message = pubsub.get_message(timeout=max(0.0, deadline - time.monotonic()))
        if message is not None and message["type"] in ("subscribe", "psubscribe"):
            seen += 1


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a new event loop, then close the PostgreSQL pool and the Redis
    client the project made for that loop (easy_islanders.pg and .redis keep one per loop;
    left open, they would outlive it with their connections)."""

    async def main() -> T:
        try:
            return await coro
        finally:
            await pg.pool_close()
            await ei_redis.async_redis_close()

    return asyncio.run(main())


def accepted(user_id: int, *texts: str, **fields: Any) -> list[Acceptance]:
    """Accept these messages on the event loop's path (one statement each, committed), their
    turns queued. The broker messages go to a queue of their own, dropped at once: the test
    runs the turns itself."""
    queue = f"test-accepted-{uuid.uuid4().hex[:10]}"
    try:
        with override_settings(CELERY_TASK_DEFAULT_QUEUE=queue):
            return [
                run_async(
                    message_accept_async(
                        user_id=user_id,
                        text=text,
                        thread_id=fields.get("thread_id"),
                        client_msg_id=fields.get("client_msg_id"),
                        correlation_id=fields.get("correlation_id", f"cid-{i}"),
                        meta=fields.get("meta"),
                    )
                )
                for i, text in enumerate(texts)
            ]
    finally:
        redis_client().delete(queue)


@contextmanager
def agent_configured(**overrides: Any) -> Iterator[None]:
    """The agent these settings make answers the turns run in the block (agents.registry
    keeps the one it made first)."""
    supervisor_agent.cache_clear()
    try:
        with override_settings(**overrides):
            yield
    finally:
        supervisor_agent.cache_clear()
