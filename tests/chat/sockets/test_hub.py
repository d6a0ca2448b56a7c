"""The hub (chat/sockets/hub.py): one pub/sub connection per process, subscriptions that follow
the sockets, and a resync from PostgreSQL after any break in the connection or when its audit
finds a socket behind. Real Redis and PostgreSQL; the break is made on purpose through the
hub's `connect` seam and Redis' CLIENT KILL."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import redis.asyncio
import redis.exceptions
from django.db import connection

from chat.messages import ACCEPT_SQL, _params
from chat.models import Turn
from chat.publishing import thread_channel
from chat.sockets import hub as hub_module
from chat.sockets.node import SocketNode
from chat.threads import thread_create
from chat.turns.lifecycle import Reply, turn_cancel, turn_claim, turn_finish, typing_publish
from easy_islanders.redis import async_redis_client
from tests.chat.sockets.support import (
    Person,
    Socket,
    accept,
    durable,
    off_loop,
    open_connected,
    run,
    wait_until,
)

WORKER = "sockets-test-worker"


class RecordingConnect:
    """The hub's connection factory, as production makes it, but named (so that this test
    can find and kill its connection alone) and recorded; `refuse` makes it fail, as an
    unreachable Redis would."""

    def __init__(self) -> None:
        self.name = f"hub-test-{uuid.uuid4().hex[:12]}"
        self.made: list[redis.asyncio.Redis] = []
        self.refuse = False

    def __call__(self) -> redis.asyncio.Redis:
        if self.refuse:
            raise redis.exceptions.ConnectionError("refused by the test")
        client = hub_module._redis_for_pubsub()
        client.connection_pool.connection_kwargs["client_name"] = self.name
        self.made.append(client)
        return client

    async def kill(self) -> int:
        """Kill the hub's live connection from another client; how many were killed."""
        admin = async_redis_client()
        ours = [c for c in await admin.client_list(_type="pubsub") if c.get("name") == self.name]
        for client in ours:
            await admin.client_kill_filter(_id=client["id"])
        return len(ours)


async def numsub(channel: str) -> int:
    [(_, count)] = await async_redis_client().pubsub_numsub(channel)
    return int(count)


def hub_with_recording(node: SocketNode) -> RecordingConnect:
    connect = RecordingConnect()
    node.hub.connect = connect
    return connect


@pytest.fixture
def no_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the reconnection may bring sockets up to date (the audit waits a minute)."""
    monkeypatch.setattr(hub_module, "AUDIT_SECS", 60.0)
    monkeypatch.setattr(hub_module, "OUTAGE_POLL_SECS", 60.0)


def test_it_subscribes_a_thread_once_and_unsubscribes_when_its_last_socket_leaves(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    channel = thread_channel(str(thread.pk))

    async def scenario() -> list[int]:
        node = SocketNode(cancel=turn_cancel)
        counts = [await numsub(channel)]
        first, _ = await open_connected(node, thread.pk, person.token)
        counts.append(await numsub(channel))
        second, _ = await open_connected(node, thread.pk, person.token)
        counts.append(await numsub(channel))  # one connection per process, not per socket
        await first.disconnect()
        counts.append(await numsub(channel))  # the other socket still reads the thread
        await second.disconnect()
        for _ in range(100):  # the UNSUBSCRIBE is sent by a task of its own
            if await numsub(channel) == 0:
                break
            await asyncio.sleep(0.01)
        counts.append(await numsub(channel))
        return counts

    assert run(scenario) == [0, 1, 1, 1, 0]


@pytest.mark.usefixtures("no_audit")
def test_after_a_break_it_reconnects_resubscribes_and_resyncs_every_event_once_in_order(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    first = accept(person, thread.pk, "first")
    turn = Turn.objects.get(thread_id=thread.pk, seq=first.seq)
    assert turn_claim(turn.pk, WORKER) is not None  # running: the socket shows typing
    channel = thread_channel(str(thread.pk))

    async def scenario() -> dict[str, Any]:
        node = SocketNode(cancel=turn_cancel)
        connect = hub_with_recording(node)
        socket, connected = await open_connected(node, thread.pk, person.token, last_seq=1)
        typing_on = await socket.frame()
        session = node.registry.sessions()[0]
        assert session.typing == {1}

        connect.refuse = True  # Redis stays unreachable until the test lets it back
        assert await connect.kill() == 1
        await wait_until(lambda: not node.hub.online)
        assert await numsub(channel) == 0
        # Committed and published while the hub hears nothing: these frames are lost.
        await off_loop(turn_finish, turn.pk, Reply(text="the answer", agent="test"), worker=WORKER)
        await off_loop(accept, person, thread.pk, "second")
        await off_loop(accept, person, thread.pk, "third")
        quiet_during_outage = await socket.nothing(0.2)

        connect.refuse = False
        caught_up = await socket.frames(4)
        resubscribed = await numsub(channel)
        # Live again: the next event comes once.
        await off_loop(accept, person, thread.pk, "fourth")
        live = await socket.frame()
        quiet = await socket.nothing(0.3)
        typing_left = set(session.typing)
        await socket.disconnect()
        return {
            "connected": connected,
            "typing_on": typing_on,
            "outage_quiet": quiet_during_outage,
            "caught_up": caught_up,
            "live": live,
            "quiet": quiet,
            "clients": len(connect.made),
            "resubscribed": resubscribed,
            "typing_left": typing_left,
        }

    seen = run(scenario)
    assert seen["connected"]["payload"]["head_seq"] == 1
    assert (seen["typing_on"]["event"], seen["typing_on"]["payload"]) == ("typing", {"value": True})
    assert seen["outage_quiet"]
    assert seen["clients"] == 2 and seen["resubscribed"] == 1
    caught_up = seen["caught_up"]
    assert [(f["seq"], f["event"]) for f in caught_up] == [
        (2, "assistant_message"),
        (None, "typing"),  # the turn ended while the hub was away: typing goes off after it
        (3, "user_message"),
        (4, "user_message"),
    ]
    assert caught_up[0]["payload"]["text"] == "the answer"
    assert caught_up[1]["payload"] == {"value": False} and caught_up[1]["in_reply_to"] == 1
    assert [f["payload"]["text"] for f in caught_up[2:]] == ["second", "third"]
    assert durable([seen["live"]]) == [(5, "user_message")]
    assert seen["quiet"]
    assert seen["typing_left"] == set()


@pytest.mark.usefixtures("no_audit")
def test_after_a_break_it_resubscribes_every_thread_it_holds(
    make_person: Any,
) -> None:
    one, other = make_person(), make_person()
    threads = [thread_create(one.id), thread_create(other.id)]
    people = [one, other]

    async def scenario() -> tuple[list[int], list[list[tuple[int, str]]]]:
        node = SocketNode(cancel=turn_cancel)
        connect = hub_with_recording(node)
        sockets = [
            (await open_connected(node, t.pk, p.token, last_seq=0))[0]
            for t, p in zip(threads, people, strict=True)
        ]
        assert await connect.kill() == 1
        await wait_until(lambda: not node.hub.online)
        await wait_until(lambda: node.hub.online)
        counts = [await numsub(thread_channel(str(t.pk))) for t in threads]
        for t, p in zip(threads, people, strict=True):
            await off_loop(accept, p, t.pk, "after the break")
        received = [durable([await s.frame()]) for s in sockets]
        for s in sockets:
            assert await s.nothing(0.1)
            await s.disconnect()
        return counts, received

    counts, received = run(scenario)
    assert counts == [1, 1]
    assert received == [[(1, "user_message")], [(1, "user_message")]]


def test_its_audit_brings_a_socket_to_the_head_when_a_publish_never_happened(
    person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "AUDIT_SECS", 0.2)
    monkeypatch.setattr(hub_module, "OUTAGE_POLL_SECS", 0.2)
    thread = thread_create(person.id)

    async def scenario() -> list[dict[str, Any]]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token, last_seq=0)
        # Stored, but its PUBLISH is lost (as when Redis refuses it on the publisher's side).
        await off_loop(_accept_unannounced, person, thread.pk)
        frames = [await socket.frame(timeout=3)]
        assert await socket.nothing(0.5)  # once
        await socket.disconnect()
        return frames

    assert durable(run(scenario)) == [(1, "user_message")]


def test_its_audit_ends_typing_for_a_turn_that_is_not_running(
    person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "AUDIT_SECS", 0.2)
    monkeypatch.setattr(hub_module, "OUTAGE_POLL_SECS", 0.2)
    thread = thread_create(person.id)
    accepted = accept(person, thread.pk)  # its turn stays queued: nothing runs it

    async def scenario() -> list[dict[str, Any]]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token, last_seq=1)
        # A stray typing: true (a publisher's view that PostgreSQL does not share).
        await off_loop(typing_publish, thread.pk, accepted.seq, accepted.correlation_id, value=True)
        frames = [await socket.frame(), await socket.frame(timeout=3)]
        assert node.registry.sessions()[0].typing == set()
        await socket.disconnect()
        return frames

    on, off = run(scenario)
    assert (on["event"], on["payload"], on["in_reply_to"]) == ("typing", {"value": True}, 1)
    assert (off["event"], off["payload"], off["in_reply_to"]) == ("typing", {"value": False}, 1)


def _accept_unannounced(person: Person, thread_id: uuid.UUID) -> None:
    """The accept's statement alone: the row is committed, nothing is published."""
    params = _params(person.id, "never announced", thread_id, uuid.uuid4(), "cid-unannounced", {})
    with connection.cursor() as cursor:
        cursor.execute(ACCEPT_SQL, params)
        assert cursor.fetchone()[0] == "accepted"


@pytest.mark.usefixtures("no_audit")
def test_a_socket_joining_as_the_last_one_leaves_still_hears_its_thread(person: Person) -> None:
    thread = thread_create(person.id)
    channel = thread_channel(str(thread.pk))

    async def scenario() -> tuple[int, list[tuple[int, str]]]:
        node = SocketNode(cancel=turn_cancel)
        leaving, _ = await open_connected(node, thread.pk, person.token)
        # A tab reloading: its old socket's goodbye and its new socket's handshake are read in
        # the same turn of the loop (the new one's active-user check is remembered: no wait).
        joining = Socket(node, f"/ws/chat/{thread.pk}/", {"token": person.token})
        await leaving.send_disconnect()
        await joining.connect()
        await leaving.ended()
        assert (await joining.frame())["event"] == "connected"
        subscribers = await numsub(channel)
        await off_loop(accept, person, thread.pk, "are you there?")
        heard = [] if await joining.nothing(1.0) else durable([await joining.frame()])
        await joining.disconnect()
        return subscribers, heard

    assert run(scenario) == (1, [(1, "user_message")])
