"""Limits a hostile client runs into: log-in throttle, socket origin, frame floods."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.integration.conftest import another_web
from tests.integration.stack import LiveStack, Socket


def test_password_guessing_from_many_addresses_is_throttled_per_account(
    live_stack: LiveStack,
) -> None:
    victim, other = f"victim-{uuid.uuid4().hex[:8]}", f"other-{uuid.uuid4().hex[:8]}"
    with live_stack.client() as http:

        def guess(username: str, i: int) -> int:
            address = {"X-Forwarded-For": f"198.51.100.{i % 250 + 1}"}  # a fresh one each time
            body = {"username": username, "password": "guess"}
            return http.post("/api/auth/token/", json=body, headers=address).status_code

        statuses = [guess(victim if i % 2 else victim.upper(), i) for i in range(14)]
        assert statuses[0] == 401 and statuses[-1] == 429, statuses
        assert guess(other, 200) == 401  # another account is not held back


def test_a_client_cannot_choose_its_address_where_no_proxy_is_trusted(
    django_db_blocker: Any, tmp_path: Path
) -> None:
    overrides = {"FORWARDED_ALLOW_IPS": "", "AUTH_RATE": "3/min"}
    with another_web(django_db_blocker, tmp_path, "no-proxy", **overrides) as url:
        statuses = [
            httpx.post(
                f"{url}/api/auth/token/",
                json={"username": f"someone-{i}", "password": "guess"},
                headers={"X-Forwarded-For": f"203.0.113.{i + 1}"},  # rotated after each
            ).status_code
            for i in range(5)
        ]
    # Other tests' log-ins from the loopback may have used some of the allowance already: what
    # matters is that a new X-Forwarded-For each time does not buy a new one.
    throttled_from = statuses.index(429) if 429 in statuses else len(statuses)
    assert throttled_from <= 3 and set(statuses[throttled_from:]) == {429}, statuses


def test_password_guessing_is_throttled_per_address(live_stack: LiveStack) -> None:
    def guesses() -> dict[str, str]:  # a new account each time: the address alone is counted
        return {"username": f"victim-{uuid.uuid4().hex[:8]}", "password": "guess"}

    # The suite connects from 127.0.0.1, a trusted proxy, so X-Forwarded-For is the address.
    attacker, bystander = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}
    with live_stack.client() as http:
        statuses = [
            http.post("/api/auth/token/", json=guesses(), headers=attacker).status_code
            for _ in range(40)
        ]
        assert statuses[0] == 401
        assert statuses[-1] == 429
        throttled = http.post("/api/auth/token/", json=guesses(), headers=attacker)
        assert int(throttled.headers["Retry-After"]) > 0
        assert throttled.json()["error"]["code"] == "throttled"
        other = http.post("/api/auth/token/", json=guesses(), headers=bystander)
    assert other.status_code == 401


def _origin_close_code(stack: LiveStack, thread_id: str, token: str, origin: str) -> int | None:
    """Open a socket as a browser on `origin` would; the close code, None if it connected."""
    url = f"ws://{stack.host}/ws/chat/{thread_id}/?token={token}"
    with connect(url, origin=Origin(origin), open_timeout=10) as conn:
        socket = Socket(conn)
        try:
            first = socket.frame()
        except ConnectionClosed as closed:
            assert socket.received == []
            return closed.rcvd.code if closed.rcvd else None
        assert first["event"] == "connected"
        return None


def test_a_socket_opened_from_another_site_is_refused_with_4403(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    assert _origin_close_code(live_stack, new_thread, owner[1], "https://evil.example") == 4403
    assert _origin_close_code(live_stack, new_thread, owner[1], "null") == 4403
    assert _origin_close_code(live_stack, new_thread, owner[1], f"http://{live_stack.host}") is None


def test_another_port_scheme_or_a_malformed_origin_of_our_host_is_refused_with_4403(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    # Another port of the same host is another origin: another program's page may live there.
    host, port = live_stack.host.rsplit(":", 1)
    for origin in (
        f"http://{host}:{int(port) + 1}",
        f"https://{live_stack.host}",
        f"http://{live_stack.host}/chat",
        f"http://{host}:notaport",
    ):
        assert _origin_close_code(live_stack, new_thread, owner[1], origin) == 4403, origin


def test_a_flooding_socket_is_closed_with_4429_and_others_keep_working(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with (
        live_stack.socket(new_thread, owner[1]) as calm,
        live_stack.socket(new_thread, owner[1]) as flood,
    ):
        assert calm.frame()["event"] == "connected"
        assert flood.frame()["event"] == "connected"
        for _ in range(500):
            try:
                flood.send({"type": "ping"})
            except Exception:
                break  # closed under us: that is the point
        assert flood.close_code() == 4429
        calm.send({"type": "ping"})
        assert calm.until(lambda frame: frame["event"] == "pong")[-1]["event"] == "pong"
