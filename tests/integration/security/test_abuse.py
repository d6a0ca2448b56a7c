"""Abusive clients do not stop a well-behaved one from chatting.

A stack of its own with the production send limit (60 a minute) runs while abusers, all at
once, spam messages (throttled, 429), guess passwords (throttled per address), send oversized
bodies (413), open more sockets than allowed (4429) and flood sockets with frames (4429). Then a
well-behaved user chats; every one of its turns must complete. Its reply latency before and
during the abuse is printed (a measurement, not a pass mark).
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.integration.conftest import stack_env
from tests.integration.stack import LiveStack, Socket, is_terminal, running_stack
from tests.integration.test_chat_turn import send

ABUSE_SECS = 12
PACE_SECS = 1.2  # a person's pace: one message a little over every second at most


@pytest.fixture(scope="module")
def guarded_stack(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStack]:
    log_dir = tmp_path_factory.mktemp("abuse-logs")
    with django_db_blocker.unblock():
        env = stack_env(
            log_dir,
            CHAT_SEND_RATE="60/min",
            CHAT_QUEUE="chat-abuse",
            CHAT_AGENT="local",
            HTTP_BODY_TIMEOUT_SECS="2",
        )
    with running_stack(env, log_dir, name="abuse") as stack:
        yield stack


def _chat_turn(stack: LiveStack, token: str, thread_id: str, ws: Socket) -> float:
    """Send one message and wait for its reply on the socket; seconds from send to reply."""
    started = time.monotonic()
    pace_until = started + PACE_SECS
    send(stack, token, thread_id, "a flat in Girne")
    ws.until(is_terminal, timeout=30)
    took = time.monotonic() - started
    time.sleep(max(0.0, pace_until - time.monotonic()))
    return took


def _repeat(stop: threading.Event, action: Callable[[], None]) -> None:
    while not stop.is_set():
        action()


def test_abusers_do_not_stop_a_well_behaved_user(
    guarded_stack: LiveStack, user_token: Callable[..., tuple[Any, str]]
) -> None:
    stack = guarded_stack
    good, good_token = user_token()
    _, abuser_token = user_token()
    with stack.client(good_token) as http:
        thread_id = http.post("/api/chat/threads/", json={}).json()["thread_id"]
    with stack.client(abuser_token) as http:
        abuser_thread = http.post("/api/chat/threads/", json={}).json()["thread_id"]

    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def record(status: int | str) -> None:
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    def recorded(action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
            except Exception as exc:  # a refused connection is an answer too; count it
                record(type(exc).__name__)

        return run

    spam = httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {abuser_token}"})

    def send_spam() -> None:
        record(
            spam.post(
                "/api/chat/", json={"message": "spam", "thread_id": abuser_thread}
            ).status_code
        )

    def send_huge() -> None:
        body = b'{"message": "' + b"x" * 300_000 + b'"}'
        headers = {"Content-Type": "application/json"}
        record(spam.post("/api/chat/", content=body, headers=headers).status_code)

    def guess_password() -> None:
        address = f"203.0.113.{uuid.uuid4().int % 200 + 1}"
        response = httpx.post(
            f"{stack.url}/api/auth/token/",
            json={"username": good.username, "password": "guess"},
            headers={"X-Forwarded-For": address},
        )
        record(response.status_code)

    def socket_storm() -> None:
        url = f"ws://{stack.host}/ws/chat/{abuser_thread}/?token={abuser_token}"
        with connect(url, open_timeout=10) as conn:
            flood = Socket(conn)
            with contextlib.suppress(ConnectionClosed):  # closed mid-flood: expected
                flood.frame(timeout=5)
                for _ in range(200):
                    flood.send({"type": "ping"})
            record(f"ws_{flood.close_code(timeout=5)}")

    url = f"ws://{stack.host}/ws/chat/{thread_id}/?token={good_token}"
    with connect(url, open_timeout=10) as conn:
        ws = Socket(conn)
        assert ws.frame()["event"] == "connected"
        before = [_chat_turn(stack, good_token, thread_id, ws) for _ in range(5)]

        stop = threading.Event()
        abusers = [
            threading.Thread(target=_repeat, args=(stop, recorded(action)), daemon=True)
            for action in [send_spam, send_spam, send_huge, guess_password, guess_password]
            + [socket_storm] * 3
        ]
        for abuser in abusers:
            abuser.start()
        during: list[float] = []
        deadline = time.monotonic() + ABUSE_SECS
        while time.monotonic() < deadline:
            during.append(_chat_turn(stack, good_token, thread_id, ws))
        stop.set()
        for abuser in abusers:
            abuser.join(15)
    spam.close()

    print(
        f"abuse: well-behaved reply p50 {statistics.median(before) * 1000:.0f} ms before, "
        f"{statistics.median(during) * 1000:.0f} ms during "
        f"(max {max(during) * 1000:.0f} ms, {len(during)} turns); abusive answers {statuses}"
    )
    assert len(during) >= 3
    # The abuse was real and met its limits: throttled spam, refused bodies and guesses,
    # sockets closed for flooding or over the per-user limit.
    assert statuses.get("429", 0) > 10 and statuses.get("413", 0) > 0
    assert statuses.get("ws_4429", 0) > 0
    assert not any(status.startswith("5") for status in statuses)


def test_a_body_that_never_arrives_is_answered_408(guarded_stack: LiveStack) -> None:
    host, port = guarded_stack.host.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /api/chat/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b'{"mess'
        )
        started = time.monotonic()
        reply = b""
        while b"request_timeout" not in reply and (chunk := conn.recv(4096)):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"request_timeout" in reply
    assert time.monotonic() - started < 8
