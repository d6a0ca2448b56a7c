"""The socket's handshake outcomes, client frames and token lifetime."""

from __future__ import annotations

import contextlib
import time
import uuid
from typing import Any

import pytest
from django.conf import settings
from websockets.sync.client import connect

from accounts.tokens import access_token_issue
from tests.integration.stack import LiveStack, Socket


@pytest.mark.parametrize(
    ("who", "thread", "code"),
    [
        ("nobody", "own", 4401),
        ("garbage", "own", 4401),
        ("outsider", "own", 4403),
        ("owner", "unknown", 4404),
        ("owner", "not-a-uuid", 4404),
    ],
)
def test_it_accepts_then_closes_with_the_contract_code(
    live_stack: LiveStack,
    owner: tuple[Any, str],
    outsider: tuple[Any, str],
    new_thread: str,
    who: str,
    thread: str,
    code: int,
) -> None:
    token = {"nobody": None, "garbage": "abc.def.ghi", "outsider": outsider[1], "owner": owner[1]}[
        who
    ]
    thread_id = {"own": new_thread, "unknown": str(uuid.uuid4()), "not-a-uuid": "nope"}[thread]
    with live_stack.socket(thread_id, token) as ws:
        assert ws.close_code() == code
        assert ws.received == []  # closed before any frame


def test_it_closes_unknown_socket_paths_with_4404(live_stack: LiveStack) -> None:
    with connect(f"ws://{live_stack.host}/ws/elsewhere/", open_timeout=10) as conn:
        assert Socket(conn).close_code() == 4404


def test_it_answers_ping_and_refuses_garbage_without_closing(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1]) as ws:
        connected = ws.frame()
        assert connected["event"] == "connected" and connected["payload"]["resumed_from"] is None
        garbage_frames: list[str | bytes] = [
            "not json",
            b"\x00\x01binary",
            "[1,2]",
            '{"no": "type"}',
            '{"type": "launch_missiles"}',
            '{"type": 5}',
            "[" * 10_000,
        ]
        for garbage in garbage_frames:
            ws.send(garbage)
            error = ws.frame()
            assert (error["type"], error["event"]) == ("chat_error", "bad_request")
            assert error["seq"] is None and "Traceback" not in str(error)
        ws.send({"type": "ping"})
        assert ws.frame()["event"] == "pong"


def test_it_closes_a_socket_with_4401_when_its_token_expires(
    live_stack: LiveStack, user_token: Any
) -> None:
    _, token = user_token(ttl_secs=3)
    with live_stack.client(token) as http:
        thread_id = http.post("/api/chat/threads/", json={}).json()["thread_id"]
    with live_stack.socket(thread_id, token) as ws:
        connected = ws.frame()
        assert connected["payload"]["token_expires_at"].endswith("Z")
        expiring = ws.frame(timeout=5)
        assert expiring["event"] == "token_expiring"
        assert ws.close_code(timeout=5) == 4401


def test_it_keeps_a_socket_open_when_the_token_is_renewed_in_band(
    live_stack: LiveStack, user_token: Any, outsider: tuple[Any, str]
) -> None:
    user, token = user_token(ttl_secs=4)
    with live_stack.client(token) as http:
        thread_id = http.post("/api/chat/threads/", json={}).json()["thread_id"]
    with live_stack.socket(thread_id, token) as ws:
        ws.frame()
        assert ws.frame(timeout=6)["event"] == "token_expiring"
        ws.send({"type": "auth", "token": outsider[1]})
        refused = ws.frame()
        assert (refused["type"], refused["event"]) == ("chat_error", "auth_failed")
        ws.send({"type": "auth", "token": access_token_issue(user, 600)})
        assert ws.frame()["event"] == "token_renewed"
        ws.send({"type": "ping"})
        # Past the first token's expiry the socket still answers.
        assert ws.frame(timeout=6)["event"] == "pong"
        time.sleep(3)
        ws.send({"type": "ping"})
        assert ws.frame()["event"] == "pong"


def test_it_refuses_a_users_socket_over_the_limit_with_4429(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    limit = settings.CHAT_MAX_SOCKETS_PER_USER
    with contextlib.ExitStack() as sockets:
        for _ in range(limit):
            ws = sockets.enter_context(live_stack.socket(new_thread, owner[1]))
            assert ws.frame()["event"] == "connected"
        with live_stack.socket(new_thread, owner[1]) as one_too_many:
            assert one_too_many.close_code() == 4429
    # Closing sockets frees their places.
    with live_stack.socket(new_thread, owner[1]) as ws:
        assert ws.frame()["event"] == "connected"


def test_it_refuses_oversized_frames(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1]) as ws:
        ws.frame()
        ws.send('{"type": "ping", "pad": "' + "x" * 20_000 + '"}')
        error = ws.frame()
        assert (error["event"], error["payload"]["code"]) == ("bad_request", "bad_request")
        ws.send("x" * 70_000)  # over the server's frame limit: the socket is closed (1009)
        assert ws.close_code() == 1009


def test_the_cancel_frame_stops_a_queued_turn_and_ends_typing(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        ws.send({"type": "cancel", "in_reply_to": 99})
        nothing = ws.frame()
        assert nothing["event"] == "cancel_requested" and nothing["payload"]["found"] is False
        ws.send({"type": "cancel", "in_reply_to": "one"})
        assert ws.frame()["event"] == "bad_request"
