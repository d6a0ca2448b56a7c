"""One chat socket (chat/sockets/app.py), driven in process through a SocketNode as an ASGI app:
its handshake outcomes, its replay, its client frames and its live delivery."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from accounts.tokens import access_token_issue
from chat.models import Turn, TurnState
from chat.sockets import closes
from chat.sockets.app import SOCKET_PATH
from chat.sockets.node import SocketNode
from chat.threads import thread_create
from chat.turns.lifecycle import turn_cancel
from tests.chat.sockets.support import (
    Person,
    accept,
    durable,
    off_loop,
    open_connected,
    open_socket,
    run,
)


def test_it_sends_connected_first_on_ones_own_thread(person: Person) -> None:
    thread = thread_create(person.id)
    accept(person, thread.pk)

    async def scenario() -> tuple[dict[str, Any], bool]:
        node = SocketNode(cancel=turn_cancel)
        socket, connected = await open_connected(node, thread.pk, person.token)
        quiet = await socket.nothing(0.2)  # without last_seq nothing is replayed
        await socket.disconnect()
        return connected, quiet

    connected, quiet = run(scenario)
    assert connected["thread_id"] == str(thread.pk) and connected["seq"] is None
    payload = connected["payload"]
    assert payload["head_seq"] == 1 and payload["resumed_from"] is None
    assert payload["token_expires_at"].endswith("Z")
    assert quiet


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("another user's thread", closes.FORBIDDEN),
        ("a disallowed origin", closes.FORBIDDEN),
        ("an unknown thread", closes.NOT_FOUND),
        ("a thread id that is no uuid", closes.NOT_FOUND),
        ("another path", closes.NOT_FOUND),
        ("no token", closes.UNAUTHORIZED),
        ("a garbage token", closes.UNAUTHORIZED),
        ("an expired token", closes.UNAUTHORIZED),
        ("an inactive user's token", closes.UNAUTHORIZED),
    ],
)
def test_it_closes_with_the_contract_code_before_any_frame(
    make_person: Callable[[], Person], case: str, code: int
) -> None:
    owner, outsider = make_person(), make_person()
    thread = thread_create(owner.id)
    thread_id: str = str(thread.pk)
    token: str | None = owner.token
    origin, path = None, None
    if case == "another user's thread":
        token = outsider.token
    elif case == "a disallowed origin":
        origin = "https://evil.example"
    elif case == "an unknown thread":
        thread_id = str(uuid.uuid4())
    elif case == "a thread id that is no uuid":
        thread_id = "not-a-uuid"
    elif case == "another path":
        path = f"/ws/elsewhere/{thread.pk}/"
    elif case == "no token":
        token = None
    elif case == "a garbage token":
        token = "abc.def.ghi"
    elif case == "an expired token":
        token = access_token_issue(owner.user, ttl_secs=-30)
    elif case == "an inactive user's token":
        get_user_model().objects.filter(pk=owner.id).update(is_active=False)

    async def scenario() -> int:
        node = SocketNode(cancel=turn_cancel)
        socket = await open_socket(node, thread_id, token, origin=origin, path=path)
        code = await socket.close_code()  # the first thing after the accept: no frame
        await socket.ended()  # a refused socket ends without the client's goodbye
        assert len(node.registry) == 0
        return code

    assert run(scenario) == code


def test_it_lets_an_allowed_origin_in(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> str:
        node = SocketNode(cancel=turn_cancel)
        socket = await open_socket(node, thread.pk, person.token, origin="http://localhost:8000")
        event = str((await socket.frame())["event"])
        await socket.disconnect()
        return event

    assert run(scenario) == "connected"


def test_the_socket_path_takes_a_thread_id_with_or_without_the_slash() -> None:
    assert SOCKET_PATH.match("/ws/chat/abc/") and SOCKET_PATH.match("/ws/chat/abc")
    assert not SOCKET_PATH.match("/ws/chat/abc/def/") and not SOCKET_PATH.match("/ws/chat/")


def test_it_replays_the_missed_durable_events_in_order_after_last_seq(person: Person) -> None:
    thread = thread_create(person.id)
    texts = [accept(person, thread.pk, f"message {n}") for n in range(1, 5)]
    assert [a.seq for a in texts] == [1, 2, 3, 4]

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        node = SocketNode(cancel=turn_cancel)
        socket, connected = await open_connected(node, thread.pk, person.token, last_seq=1)
        replay = await socket.frames(3)
        quiet = await socket.nothing(0.2)
        await socket.disconnect()
        return connected, replay, quiet

    connected, replay, quiet = run(scenario)
    assert connected["payload"]["head_seq"] == 4 and connected["payload"]["resumed_from"] == 1
    assert durable(replay) == [(2, "user_message"), (3, "user_message"), (4, "user_message")]
    assert [f["payload"]["text"] for f in replay] == ["message 2", "message 3", "message 4"]
    assert quiet  # no duplicate, nothing else


def test_it_replays_nothing_when_the_client_is_at_the_head(person: Person) -> None:
    thread = thread_create(person.id)
    accept(person, thread.pk)

    async def scenario() -> bool:
        node = SocketNode(cancel=turn_cancel)
        socket, connected = await open_connected(node, thread.pk, person.token, last_seq=1)
        assert connected["payload"]["resumed_from"] == 1
        quiet = await socket.nothing(0.2)
        await socket.disconnect()
        return quiet

    assert run(scenario)


@pytest.mark.parametrize("last_seq", [3, 99])
def test_a_last_seq_past_the_head_gives_resync_required(person: Person, last_seq: int) -> None:
    thread = thread_create(person.id)
    accept(person, thread.pk)
    accept(person, thread.pk)

    async def scenario() -> tuple[dict[str, Any], bool]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token, last_seq=last_seq)
        resync = await socket.frame()
        quiet = await socket.nothing(0.2)
        await socket.disconnect()
        return resync, quiet

    resync, quiet = run(scenario)
    assert (resync["type"], resync["event"]) == ("chat_status", "resync_required")
    assert resync["payload"] == {"head_seq": 2}
    assert quiet  # and no replay


def test_more_missed_events_than_the_replay_bound_give_resync_required(
    person: Person, settings: Any
) -> None:
    settings.CHAT_REPLAY_MAX_EVENTS = 2
    thread = thread_create(person.id)
    for _ in range(3):
        accept(person, thread.pk)

    async def scenario() -> list[str]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token, last_seq=0)
        events = [str((await socket.frame())["event"])]
        assert await socket.nothing(0.2)
        await socket.disconnect()
        return events

    assert run(scenario) == ["resync_required"]


def test_an_unreadable_last_seq_is_read_as_minus_one_and_replays_from_seq_1(
    person: Person,
) -> None:
    thread = thread_create(person.id)
    accept(person, thread.pk)
    accept(person, thread.pk)

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        node = SocketNode(cancel=turn_cancel)
        socket = await open_socket(node, thread.pk, person.token, last_seq="abc")
        connected = await socket.frame()
        replay = await socket.frames(2)
        quiet = await socket.nothing(0.2)
        await socket.disconnect()
        return connected, replay, quiet

    connected, replay, quiet = run(scenario)
    assert connected["payload"]["resumed_from"] == -1
    assert durable(replay) == [(1, "user_message"), (2, "user_message")]
    assert quiet


def test_it_answers_ping_with_pong(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> list[dict[str, Any]]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token)
        await socket.send({"type": "ping"})
        await socket.send({"type": "ping"})
        pongs = await socket.frames(2)
        await socket.disconnect()
        return pongs

    pongs = run(scenario)
    assert [(f["type"], f["event"], f["seq"]) for f in pongs] == [("chat_status", "pong", None)] * 2
    assert pongs[0]["thread_id"] == str(thread.pk)


@pytest.mark.parametrize(
    "garbage",
    ["not json", b"\x00\x01binary", "[1,2]", '{"no": "type"}', '{"type": "launch_missiles"}'],
)
def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays_open(
    person: Person, garbage: str | bytes
) -> None:
    thread = thread_create(person.id)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token)
        await socket.send(garbage)
        error = await socket.frame()
        await socket.send({"type": "ping"})
        pong = await socket.frame()
        await socket.disconnect()
        return error, pong

    error, pong = run(scenario)
    assert (error["type"], error["event"], error["seq"]) == ("chat_error", "bad_request", None)
    assert error["payload"]["code"] == "bad_request" and error["payload"]["retryable"] is False
    assert "Traceback" not in str(error)
    assert pong["event"] == "pong"


def test_a_flood_of_client_frames_closes_with_4429(person: Person, settings: Any) -> None:
    settings.CHAT_SOCKET_FRAMES_PER_SEC = 1  # a burst of 2
    thread = thread_create(person.id)

    async def scenario() -> tuple[list[str], int]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token)
        for _ in range(3):
            await socket.send({"type": "ping"})
        answered = [str((await socket.frame())["event"]) for _ in range(2)]
        code = await socket.close_code()
        await socket.disconnect()
        return answered, code

    answered, code = run(scenario)
    assert answered == ["pong", "pong"]
    assert code == closes.TOO_MANY


def test_cancel_on_a_queued_turn_is_found_and_ends_the_turn_cancelled(person: Person) -> None:
    thread = thread_create(person.id)
    accepted = accept(person, thread.pk, "please stop")

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any], bool]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token, last_seq=1)
        await socket.send({"type": "cancel", "in_reply_to": accepted.seq})
        # The answer and the turn's end (published by the cancel) may come in either order.
        frames = await socket.frames(3)
        await socket.send({"type": "cancel", "in_reply_to": accepted.seq})
        again = await socket.frame()
        quiet = await socket.nothing(0.2)
        await socket.disconnect()
        return frames, again, quiet

    frames, again, quiet = run(scenario)
    by_event = {frame["event"]: frame for frame in frames}
    assert sorted(by_event) == ["assistant_message", "cancel_requested", "typing"]
    assert by_event["cancel_requested"]["payload"] == {"in_reply_to": 1, "found": True}
    ended = by_event["assistant_message"]
    assert (ended["seq"], ended["in_reply_to"], ended["payload"]["cancelled"]) == (2, 1, True)
    assert by_event["typing"]["payload"] == {"value": False}
    # Typing goes off after the terminal event, never before it.
    assert frames.index(by_event["typing"]) > frames.index(ended)
    assert again["payload"] == {"in_reply_to": 1, "found": False}
    assert quiet
    turn = Turn.objects.get(thread_id=thread.pk, seq=accepted.seq)
    assert turn.state == TurnState.CANCELLED and turn.cancel_requested_at is not None


def test_cancel_with_nothing_to_cancel_is_not_found(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> dict[str, Any]:
        node = SocketNode(cancel=turn_cancel)
        socket, _ = await open_connected(node, thread.pk, person.token)
        await socket.send({"type": "cancel"})
        answer = await socket.frame()
        await socket.disconnect()
        return answer

    answer = run(scenario)
    assert answer["event"] == "cancel_requested"
    assert answer["payload"] == {"in_reply_to": None, "found": False}


def test_a_message_accepted_while_open_arrives_live_exactly_once_on_every_socket(
    person: Person,
) -> None:
    thread = thread_create(person.id)

    async def scenario() -> tuple[list[dict[str, Any]], list[bool]]:
        node = SocketNode(cancel=turn_cancel)
        first, _ = await open_connected(node, thread.pk, person.token, last_seq=0)
        second, _ = await open_connected(node, thread.pk, person.token)
        accepted = await off_loop(accept, person, thread.pk, "live one")
        assert accepted.seq == 1
        frames = [await first.frame(), await second.frame()]
        quiet = [await first.nothing(0.3), await second.nothing(0.05)]
        await first.disconnect()
        await second.disconnect()
        return frames, quiet

    frames, quiet = run(scenario)
    for frame in frames:
        assert (frame["type"], frame["event"], frame["seq"]) == ("chat_message", "user_message", 1)
        assert frame["payload"]["text"] == "live one"
    assert quiet == [True, True]


def test_a_socket_over_the_users_limit_is_closed_with_4429(person: Person, settings: Any) -> None:
    settings.CHAT_MAX_SOCKETS_PER_USER = 2
    thread = thread_create(person.id)

    async def scenario() -> tuple[int, str]:
        node = SocketNode(cancel=turn_cancel)
        first, _ = await open_connected(node, thread.pk, person.token)
        second, _ = await open_connected(node, thread.pk, person.token)
        over = await open_socket(node, thread.pk, person.token)
        code = await over.close_code()
        await over.ended()
        await first.disconnect()
        # A closed socket frees its place.
        again = await open_socket(node, thread.pk, person.token)
        event = str((await again.frame())["event"])
        await again.disconnect()
        await second.disconnect()
        return code, event

    assert run(scenario) == (closes.TOO_MANY, "connected")
