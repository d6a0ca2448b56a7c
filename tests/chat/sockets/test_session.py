"""One socket's delivery (chat/sockets/session.py) on a fake transport that records what it is
sent: the order of `connected`, the replay and the running turn; duplicates and gaps of live
frames; typing around a turn's end; a resync; and a client that stops reading. The rows it
reads back are real (PostgreSQL), and so is the running reply's text (Redis)."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

from chat.events import Envelope, status_envelope, token_envelope, typing_envelope
from chat.history import events_after
from chat.models import Turn
from chat.publishing import frame_text, inflight_key
from chat.sockets import closes
from chat.sockets.opening import SocketOpening, socket_open
from chat.sockets.session import MAX_OUTBOX, Close, Live, Local, Resync, Session
from chat.threads import thread_create, thread_delete
from chat.turns.lifecycle import Reply, turn_claim, turn_finish
from easy_islanders.redis import async_redis_client
from tests.chat.sockets.support import Person, accept, off_loop, run, wait_until


class Wire:
    """A socket's transport: the frames sent and the close codes, in order. While `held` is
    set, a send waits for it to be cleared (a client that stopped reading)."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.closes: list[int] = []
        self.held: asyncio.Event | None = None
        self.sending = 0

    async def send_text(self, text: str) -> None:
        self.sending += 1
        if self.held is not None:
            await self.held.wait()
        self.frames.append(json.loads(text))

    async def close(self, code: int) -> None:
        self.closes.append(code)

    def events(self) -> list[tuple[int | None, str]]:
        return [(frame["seq"], frame["event"]) for frame in self.frames]


def connected(session: Session, opening: SocketOpening) -> Envelope:
    payload = {"head_seq": opening.state.head_seq, "resumed_from": opening.resumed_from}
    return status_envelope(session.thread_key, "connected", payload)


async def started(
    person: Person, thread_id: UUID, last_seq: int | None = None
) -> tuple[Session, Wire]:
    wire = Wire()
    session = Session(thread_id, person.id, wire.send_text, wire.close)
    opening = await socket_open(person.id, thread_id, last_seq)
    await session.start(opening, connected(session, opening))
    return session, wire


async def envelope_of(thread_id: UUID, seq: int) -> Envelope:
    [envelope] = await events_after(thread_id, seq - 1, 1)
    assert envelope["seq"] == seq
    return envelope


def live(envelope: Envelope) -> Live:
    return Live(envelope, frame_text(envelope))


def test_start_sends_connected_then_the_replay_then_the_running_turns_text(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    for text in ["one", "two", "three"]:
        accept(person, thread.pk, text)
    claimed = turn_claim(Turn.objects.get(thread_id=thread.pk, seq=1).pk, "sockets-test-worker")
    assert claimed is not None

    async def scenario() -> list[dict[str, Any]]:
        key = inflight_key(claimed.id, claimed.attempts)
        await async_redis_client().set(key, "Half a rep", ex=60)
        try:
            session, wire = await started(person, thread.pk, last_seq=1)
        finally:
            await async_redis_client().delete(key)
        assert session.cursor.delivered_seq == 3 and session.typing == {1}
        await session.stop()
        return wire.frames

    frames = run(scenario)
    assert [(f["seq"], f["event"]) for f in frames] == [
        (None, "connected"),
        (2, "user_message"),
        (3, "user_message"),
        (None, "typing"),
        (None, "token"),
    ]
    assert [f["payload"]["text"] for f in frames[1:3]] == ["two", "three"]
    assert (frames[3]["in_reply_to"], frames[3]["payload"]) == (1, {"value": True})
    assert (frames[4]["in_reply_to"], frames[4]["payload"]) == (
        1,
        {"text": "Half a rep", "offset": 0},
    )


def test_start_holds_what_was_pushed_before_it_until_after_the_replay(person: Person) -> None:
    thread = thread_create(person.id)
    accept(person, thread.pk)

    async def scenario() -> list[tuple[int | None, str]]:
        wire = Wire()
        session = Session(thread.pk, person.id, wire.send_text, wire.close)
        session.push(Local(status_envelope(session.thread_key, "pong", {})))
        opening = await socket_open(person.id, thread.pk, 0)
        await session.start(opening, connected(session, opening))
        await wait_until(lambda: len(wire.frames) == 3)
        await session.stop()
        return wire.events()

    assert run(scenario) == [(None, "connected"), (1, "user_message"), (None, "pong")]


def test_live_duplicates_of_replayed_events_are_dropped(person: Person) -> None:
    thread = thread_create(person.id)
    for _ in range(3):
        accept(person, thread.pk)

    async def scenario() -> list[tuple[int | None, str]]:
        session, wire = await started(person, thread.pk, last_seq=1)
        await off_loop(accept, person, thread.pk, "fourth")
        for seq in [2, 3, 3, 4, 4, 2]:
            session.push(live(await envelope_of(thread.pk, seq)))
        session.push(Local(status_envelope(session.thread_key, "pong", {})))  # a marker
        await wait_until(lambda: wire.frames[-1]["event"] == "pong")
        await session.stop()
        return wire.events()

    assert run(scenario) == [
        (None, "connected"),
        (2, "user_message"),
        (3, "user_message"),
        (4, "user_message"),
        (None, "pong"),
    ]


def test_a_live_event_past_a_gap_is_sent_after_the_missed_ones_from_postgresql(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    accept(person, thread.pk)

    async def scenario() -> tuple[list[tuple[int | None, str]], int]:
        session, wire = await started(person, thread.pk)  # at head 1
        for text in ["two", "three", "four"]:
            await off_loop(accept, person, thread.pk, text)
        session.push(live(await envelope_of(thread.pk, 4)))  # 2 and 3 were never heard
        await wait_until(lambda: len(wire.frames) == 4)
        await asyncio.sleep(0.1)  # and nothing more comes
        await session.stop()
        return wire.events(), session.cursor.delivered_seq

    events, delivered = run(scenario)
    assert events == [
        (None, "connected"),
        (2, "user_message"),
        (3, "user_message"),
        (4, "user_message"),
    ]
    assert delivered == 4


def test_typing_goes_off_after_the_terminal_event_and_a_late_typing_or_token_is_dropped(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    accepted = accept(person, thread.pk)
    turn = Turn.objects.get(thread_id=thread.pk, seq=accepted.seq)

    async def scenario() -> tuple[list[dict[str, Any]], set[int]]:
        session, wire = await started(person, thread.pk)
        key, cid = session.thread_key, accepted.correlation_id
        session.push(live(typing_envelope(key, 1, cid, value=True)))
        session.push(live(token_envelope(key, 1, cid, text="Hel", offset=0)))
        await off_loop(turn_finish, turn.pk, Reply(text="Hello", agent="test"))
        session.push(live(await envelope_of(thread.pk, 2)))
        # Stale frames of the ended turn (a retry's, or published late).
        session.push(live(typing_envelope(key, 1, cid, value=True)))
        session.push(live(token_envelope(key, 1, cid, text="lo", offset=3)))
        session.push(Local(status_envelope(key, "pong", {})))
        await wait_until(lambda: wire.frames[-1]["event"] == "pong")
        # The turn's own typing: false, published after its terminal event: already sent.
        session.push(live(typing_envelope(key, 1, cid, value=False)))
        session.push(Local(status_envelope(key, "pong", {})))
        await wait_until(lambda: len(wire.frames) == 7)
        await session.stop()
        return wire.frames, session.typing

    frames, typing = run(scenario)
    assert [(f["seq"], f["event"]) for f in frames] == [
        (None, "connected"),
        (None, "typing"),
        (None, "token"),
        (2, "assistant_message"),
        (None, "typing"),
        (None, "pong"),
        (None, "pong"),
    ]
    assert frames[1]["payload"] == {"value": True} and frames[4]["payload"] == {"value": False}
    assert frames[4]["in_reply_to"] == 1 and frames[3]["in_reply_to"] == 1
    assert typing == set()


def test_a_resync_sends_what_was_missed_and_ends_typing_for_an_ended_turn(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    accepted = accept(person, thread.pk)
    turn = Turn.objects.get(thread_id=thread.pk, seq=accepted.seq)

    async def scenario() -> list[dict[str, Any]]:
        session, wire = await started(person, thread.pk)
        session.push(live(typing_envelope(session.thread_key, 1, "cid", value=True)))
        # Missed: the turn's end and a new message (the subscription was down).
        await off_loop(turn_finish, turn.pk, Reply(text="done", agent="test"))
        await off_loop(accept, person, thread.pk, "next")
        session.push(Resync())
        await wait_until(lambda: len(wire.frames) == 5)
        session.push(Resync())  # at the head already: nothing more
        session.push(Local(status_envelope(session.thread_key, "pong", {})))
        await wait_until(lambda: wire.frames[-1]["event"] == "pong")
        await session.stop()
        return wire.frames

    frames = run(scenario)
    assert [(f["seq"], f["event"]) for f in frames] == [
        (None, "connected"),
        (None, "typing"),
        (2, "assistant_message"),
        (None, "typing"),
        (3, "user_message"),
        (None, "pong"),
    ]
    assert frames[3]["payload"] == {"value": False}


def test_a_resync_of_a_deleted_thread_closes_4404(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> tuple[list[int], bool]:
        session, wire = await started(person, thread.pk)
        await off_loop(thread_delete, person.id, thread.pk)
        session.push(Resync())
        await wait_until(lambda: bool(wire.closes))
        await session.stop()
        return wire.closes, session.closed

    assert run(scenario) == ([closes.NOT_FOUND], True)


def test_an_overflowing_outbox_closes_the_socket_1011(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> tuple[list[tuple[int | None, str]], list[int], bool]:
        session, wire = await started(person, thread.pk)
        wire.held = asyncio.Event()
        pong = Local(status_envelope(session.thread_key, "pong", {}))
        session.push(pong)
        await wait_until(lambda: wire.sending == 2)  # the pump is stuck sending it
        for _ in range(MAX_OUTBOX + 1):
            session.push(pong)
        wire.held.set()
        await wait_until(lambda: bool(wire.closes))
        session.push(pong)  # closed: ignored
        await asyncio.sleep(0.05)
        await session.stop()
        return wire.events(), wire.closes, session.closed

    events, codes, closed = run(scenario)
    assert events == [(None, "connected"), (None, "pong")]  # the backlog was dropped
    assert codes == [closes.INTERNAL_ERROR] and closed


def test_a_client_that_stops_reading_is_closed_1011(person: Person, settings: Any) -> None:
    settings.CHAT_SOCKET_SEND_TIMEOUT_SECS = 0.2
    thread = thread_create(person.id)

    async def scenario() -> tuple[list[int], bool]:
        session, wire = await started(person, thread.pk)
        wire.held = asyncio.Event()  # never set
        session.push(Local(status_envelope(session.thread_key, "pong", {})))
        await wait_until(lambda: bool(wire.closes), timeout=3)
        await session.stop()
        return wire.closes, session.closed

    assert run(scenario) == ([closes.INTERNAL_ERROR], True)


def test_a_close_is_sent_in_order_after_what_was_queued_before_it(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> tuple[list[tuple[int | None, str]], list[int]]:
        session, wire = await started(person, thread.pk)
        session.push(Local(status_envelope(session.thread_key, "pong", {})))
        session.push(Close(closes.GOING_AWAY))
        session.push(Local(status_envelope(session.thread_key, "pong", {})))
        await wait_until(lambda: bool(wire.closes))
        await asyncio.sleep(0.05)
        await session.stop()
        return wire.events(), wire.closes

    events, codes = run(scenario)
    assert events == [(None, "connected"), (None, "pong")]
    assert codes == [closes.GOING_AWAY]
