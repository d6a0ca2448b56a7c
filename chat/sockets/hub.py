"""The socket hub of a web process: one Redis pub/sub connection for all its sockets.

The hub subscribes to the channel of every thread it holds a socket for, and fans each frame
out to those sockets' outboxes (chat/sockets/session.py). Two rules keep a socket from ever staying
open and deaf:

- **Resync after any break.** When the subscription connection fails (Redis restarted, a
  blip, a failover) the hub reconnects, subscribes again, and only once Redis confirms the
  subscriptions does it tell every socket to catch up from PostgreSQL. Frames published in
  between were lost; the resync brings the durable events, ends typing for turns that ended
  and sends the running reply's text.
- **Audit.** Every AUDIT_SECS (OUTAGE_POLL_SECS while Redis is away) one statement reads
  where each held thread stands; a socket behind its thread's head, or showing typing for a
  turn no longer running (a publish that failed on the publisher's side), is resynced.

A socket joins before it reads PostgreSQL and waits until Redis confirms its thread's
subscription, so nothing committed after its replay read can be missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
import redis.asyncio
from django.conf import settings
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from chat.history import thread_states
from chat.publishing import CONTROL_CHANNEL, THREAD_CHANNEL_PREFIX, Control, thread_channel
from chat.sockets import closes
from chat.sockets.registry import Registry
from chat.sockets.session import Close, Live, Resync, Session

logger = logging.getLogger(__name__)

SUBSCRIBE_WAIT_SECS = 2.0
# With no frame for this long the hub pings Redis; with no answer for two of these the
# connection is taken for dead (a peer that vanished without closing it).
HEARTBEAT_SECS = 5.0
AUDIT_SECS = 5.0
OUTAGE_POLL_SECS = 1.0
RECONNECT_MAX_SECS = 1.0


class Hub:
    """Feeds the sockets of `registry` from Redis; control messages go to `on_control`."""

    def __init__(self, registry: Registry, on_control: Callable[[Control], None]) -> None:
        self._registry = registry
        self._on_control = on_control
        # Channels Redis has confirmed on the current connection, and sockets waiting for one.
        self._confirmed: set[str] = set()
        self._waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._pubsub: Any = None
        self._online = asyncio.Event()
        self._runners: list[asyncio.Task[None]] = []
        self._background_tasks: set[asyncio.Task[None]] = set()
        # UNSUBSCRIBEs not yet written to the connection, by channel.
        self._unsubscribing: dict[str, asyncio.Task[None]] = {}
        # A seam for tests: how the subscription connection is made (see tests/chat/sockets).
        self.connect: Callable[[], redis.asyncio.Redis] = _redis_for_pubsub

    @property
    def online(self) -> bool:
        return self._online.is_set()

    # --- Sockets joining and leaving -----------------------------------------------------------

    async def join(self, session: Session) -> None:
        """Hold the socket and make sure its thread's frames reach it from now on."""
        self._ensure_running()
        self._registry.add(session)
        channel = thread_channel(session.thread_key)
        leaving = self._unsubscribing.get(channel)
        if leaving is not None:
            # The thread's last socket just left: Redis must take that UNSUBSCRIBE before this
            # SUBSCRIBE, or it would drop the subscription this socket waits for.
            await asyncio.wait([leaving])
        if not self.online:
            # Starting, or Redis is away: the (re)connection subscribes this thread and then
            # resyncs every socket, this one included. Wait a little for it.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SUBSCRIBE_WAIT_SECS):
                    await self._online.wait()
        if not self.online or channel in self._confirmed:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(channel, []).append(waiter)
        if len(self._waiters[channel]) == 1:
            await self._send_command("subscribe", channel)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT_SECS):
                await waiter
        # Not confirmed in time: the connection is failing, and its reconnect resyncs us.

    def leave(self, session: Session) -> None:
        if not self._registry.discard(session):
            return  # other sockets here still read the thread
        channel = thread_channel(session.thread_key)
        # Forgotten before UNSUBSCRIBE is sent, so a socket joining meanwhile subscribes
        # again and waits for that confirmation, which Redis sends after this one's reply.
        self._confirmed.discard(channel)
        if self.online and channel not in self._waiters:
            task = self.spawn(self._send_command("unsubscribe", channel))
            self._unsubscribing[channel] = task
            task.add_done_callback(lambda _: self._unsubscribe_sent(channel, task))

    def _unsubscribe_sent(self, channel: str, task: asyncio.Task[None]) -> None:
        if self._unsubscribing.get(channel) is task:
            del self._unsubscribing[channel]

    async def _send_command(self, command: str, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is None:
            return
        try:
            await getattr(pubsub, command)(channel)
        except Exception as exc:  # the reader sees the broken connection and reconnects
            logger.warning("hub_command_failed", extra={"error": type(exc).__name__})

    # --- The subscription ----------------------------------------------------------------------

    def _ensure_running(self) -> None:
        if not self._runners or any(task.done() for task in self._runners):
            for task in self._runners:
                task.cancel()
            loop = asyncio.get_running_loop()
            self._runners = [
                loop.create_task(self._subscribe_forever()),
                loop.create_task(self._audit()),
            ]

    async def _subscribe_forever(self) -> None:
        backoff = 0.05
        while True:
            try:
                await self._connect_and_read()
            except Exception as exc:
                if self.online:
                    logger.error("hub_subscription_lost", extra={"error": type(exc).__name__})
                    backoff = 0.05
                else:
                    backoff = min(backoff * 2, RECONNECT_MAX_SECS)
            self._went_offline()
            await asyncio.sleep(backoff)

    async def _connect_and_read(self) -> None:
        client = self.connect()
        pubsub = client.pubsub()
        try:
            threads = self._registry.thread_keys()
            channels = [CONTROL_CHANNEL, *(thread_channel(key) for key in threads)]
            await pubsub.subscribe(*channels)
            pending = set(channels)
            while pending:  # Redis confirms each subscription before anything is missed
                message = await pubsub.get_message(timeout=SUBSCRIBE_WAIT_SECS)
                if message is None:
                    raise TimeoutError("subscriptions not confirmed")
                if message["type"] == "subscribe":
                    pending.discard(message["channel"])
                else:
                    self._dispatch(message)
            self._pubsub = pubsub
            self._confirmed = set(channels) - {CONTROL_CHANNEL}
            self._online.set()
            # Sockets that joined while the connection was being made subscribe now.
            for channel in [thread_channel(key) for key in self._registry.thread_keys()]:
                if channel not in self._confirmed:
                    await pubsub.subscribe(channel)
            sessions = self._registry.sessions()
            if sessions:
                logger.warning("hub_resubscribed", extra={"sockets": len(sessions)})
            for session in sessions:
                session.push(Resync())
            await self._read(pubsub)
        finally:
            self._pubsub = None
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _read(self, pubsub: Any) -> None:
        loop = asyncio.get_running_loop()
        heard_at = loop.time()
        while True:
            message = await pubsub.get_message(timeout=HEARTBEAT_SECS)
            if message is not None:
                heard_at = loop.time()
                self._dispatch(message)
            elif loop.time() - heard_at > 2 * HEARTBEAT_SECS:
                raise TimeoutError("Redis stopped answering")
            else:
                await pubsub.ping()

    def _went_offline(self) -> None:
        self._online.clear()
        self._confirmed.clear()
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
        self._waiters.clear()

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind, channel = message["type"], message["channel"]
        if kind == "message":
            if channel == CONTROL_CHANNEL:
                self._on_control(json.loads(message["data"]))
                return
            group = self._registry.of_thread(channel[len(THREAD_CHANNEL_PREFIX) :])
            if group:
                text = message["data"]
                live = Live(orjson.loads(text), text)
                for session in group:
                    session.push(live)
        elif kind == "subscribe":
            self._confirmed.add(channel)
            for waiter in self._waiters.pop(channel, []):
                if not waiter.done():
                    waiter.set_result(None)

    # --- The audit -----------------------------------------------------------------------------

    async def _audit(self) -> None:
        while True:
            await asyncio.sleep(AUDIT_SECS if self.online else OUTAGE_POLL_SECS)
            # Judged: the sockets held when the statement starts (later ones replay themselves).
            sessions = self._registry.sessions()
            if not sessions:
                continue
            try:
                states = await thread_states(list({s.thread_id for s in sessions}))
            except Exception as exc:
                logger.warning("hub_audit_failed", extra={"error": type(exc).__name__})
                continue
            for session in sessions:
                state = states.get(session.thread_id)
                if state is None:
                    session.push(Close(closes.NOT_FOUND))
                    continue
                running = state.running.seq if state.running else None
                if state.head_seq > session.cursor.delivered_seq or any(
                    turn != running for turn in session.typing
                ):
                    session.push(Resync())

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `work` on the loop, held until done (the loop keeps only weak references)."""
        task = asyncio.get_running_loop().create_task(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return task


def _redis_for_pubsub() -> redis.asyncio.Redis:
    # No retries inside redis-py: it would reconnect and resubscribe silently, and frames
    # published meanwhile would be lost without a resync. Every break surfaces here.
    return redis.asyncio.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=2,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )
