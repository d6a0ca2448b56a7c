"""Who may do what: every endpoint and the socket, for each persona and each kind of bad token.

The owner gets the contract's success; another user gets 404 on the owner's thread (never its
data) and 4403 on its socket; anonymous callers and every bad token get 401 / 4401.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from websockets.sync.client import connect

from tests.integration.conftest import another_web
from tests.integration.stack import LiveStack, Socket

BAD_TOKENS = [
    "anonymous",
    "malformed",
    "truncated",
    "expired",
    "wrong_key",
    "alg_none",
    "refresh_as_access",
    "deactivated_user",
]


WRONG_KEY = "not-our-signing-key-0123456789abcdef"


def forged(raw_access: str, key: str | None = WRONG_KEY, algorithm: str = "HS256") -> str:
    """The same claims as a real access token, signed with another key (or not at all)."""
    claims = dict(AccessToken(raw_access).payload)  # type: ignore[arg-type]
    return jwt.encode(claims, key, algorithm=algorithm)


def refresh_for(user: Any, db_blocker: Any) -> RefreshToken:
    """A refresh token (issuing one records it: refresh tokens are single-use)."""
    with db_blocker.unblock():
        return RefreshToken.for_user(user)


def deactivate(user: Any, db_blocker: Any) -> None:
    with db_blocker.unblock():
        user.is_active = False
        user.save(update_fields=["is_active"])


def bad_token(kind: str, make_user: Callable[..., tuple[Any, str]], db_blocker: Any) -> str | None:
    """A token of the given kind of wrong, for a real user where one is needed."""
    user, good = make_user()
    if kind == "anonymous":
        return None
    if kind == "malformed":
        return "not-a-jwt"
    if kind == "truncated":
        return good[: len(good) // 2]
    if kind == "expired":
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=-timedelta(seconds=30))
        return str(token)
    if kind == "wrong_key":
        return forged(good)
    if kind == "alg_none":
        return forged(good, key=None, algorithm="none")
    if kind == "refresh_as_access":
        return str(refresh_for(user, db_blocker))
    if kind == "deactivated_user":
        deactivate(user, db_blocker)
        return good
    raise AssertionError(kind)


def http_calls(thread_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("POST", "/api/chat/", {"message": "hello", "thread_id": thread_id}),
        ("GET", "/api/chat/threads/", None),
        ("POST", "/api/chat/threads/", {}),
        ("GET", f"/api/chat/threads/{thread_id}/events/", None),
        ("POST", f"/api/chat/threads/{thread_id}/cancel/", {}),
        ("GET", f"/api/chat/threads/{thread_id}/", None),
        ("PATCH", f"/api/chat/threads/{thread_id}/", {"title": "renamed"}),
        # The catalog is everyone's to read; enquiries are each person's own.
        ("GET", f"/api/listings/{LISTING}/", None),
        ("GET", f"/api/listings/{LISTING}/enquiries/", None),
        ("POST", f"/api/listings/{LISTING}/enquiries/", {"message": "Is it free?"}),
        ("DELETE", f"/api/chat/threads/{thread_id}/", None),  # last: it ends the thread
    ]


LISTING = 1
OWNER_STATUS = [202, 200, 201, 200, 202, 200, 200, 200, 200, 201, 204]
OUTSIDER_STATUS = [404, 200, 201, 404, 404, 404, 404, 200, 200, 201, 404]


def _call(
    stack: LiveStack, token: str | None, method: str, path: str, body: dict[str, Any] | None
) -> Any:
    with stack.client(token) as http:
        return http.request(method, path, json=body)


def test_the_owner_may_do_everything(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1]) as ws:
        assert ws.frame()["event"] == "connected"
    statuses = [_call(live_stack, owner[1], *call).status_code for call in http_calls(new_thread)]
    assert statuses == OWNER_STATUS
    with live_stack.socket(new_thread, owner[1]) as ws:  # deleted by the last call
        assert ws.close_code() == 4404


def test_another_user_sees_nothing_of_the_owners_thread(
    live_stack: LiveStack, owner: tuple[Any, str], outsider: tuple[Any, str], new_thread: str
) -> None:
    responses = [_call(live_stack, outsider[1], *call) for call in http_calls(new_thread)]
    assert [r.status_code for r in responses] == OUTSIDER_STATUS
    for response in responses:
        assert new_thread not in response.text.replace(f"/{new_thread}/", "")
    listed = responses[1].json()["threads"]
    assert new_thread not in {thread["thread_id"] for thread in listed}
    with live_stack.socket(new_thread, outsider[1]) as ws:
        assert ws.close_code() == 4403
        assert ws.received == []
    # The owner's thread is untouched: the outsider's send and cancel did nothing to it.
    with live_stack.client(owner[1]) as http:
        events = http.get(f"/api/chat/threads/{new_thread}/events/").json()
    assert events["head_seq"] == 0


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_gets_401_everywhere_and_4401_on_the_socket(
    live_stack: LiveStack,
    user_token: Callable[..., tuple[Any, str]],
    django_db_blocker: Any,
    new_thread: str,
    kind: str,
) -> None:
    token = bad_token(kind, user_token, django_db_blocker)
    for method, path, body in http_calls(new_thread):
        response = _call(live_stack, token, method, path, body)
        assert response.status_code == 401, (kind, method, path, response.text)
        error = response.json()["error"]
        assert error["code"] == ("not_authenticated" if token is None else "token_invalid")
        if token:
            assert token not in response.text
    with live_stack.socket(new_thread, token) as ws:
        assert ws.close_code() == 4401
        assert ws.received == []


@pytest.mark.parametrize("kind", ["malformed", "expired", "wrong_key", "access_as_refresh"])
def test_refresh_accepts_only_a_valid_refresh_token(
    live_stack: LiveStack,
    user_token: Callable[..., tuple[Any, str]],
    django_db_blocker: Any,
    kind: str,
) -> None:
    user, access = user_token()
    refresh = refresh_for(user, django_db_blocker)
    token = {
        "malformed": "not-a-jwt",
        "expired": _expired_refresh(refresh),
        "wrong_key": jwt.encode(dict(refresh.payload), WRONG_KEY),
        "access_as_refresh": access,
    }[kind]
    with live_stack.client() as http:
        response = http.post("/api/auth/token/refresh/", json={"refresh": token})
    assert response.status_code == 401, response.text
    assert token not in response.text


def _expired_refresh(refresh: RefreshToken) -> str:
    refresh.set_exp(lifetime=-timedelta(seconds=30))
    return str(refresh)


def test_a_deactivated_user_can_neither_log_in_nor_refresh(
    live_stack: LiveStack, user_token: Callable[..., tuple[Any, str]], django_db_blocker: Any
) -> None:
    user, _ = user_token(password="correct-horse")
    refresh = str(refresh_for(user, django_db_blocker))
    credentials = {"username": user.username, "password": "correct-horse"}
    with live_stack.client() as http:
        assert http.post("/api/auth/token/", json=credentials).status_code == 200
        deactivate(user, django_db_blocker)
        assert http.post("/api/auth/token/", json=credentials).status_code == 401
        assert http.post("/api/auth/token/refresh/", json={"refresh": refresh}).status_code == 401


def test_a_wrong_password_and_an_unknown_user_look_the_same(
    live_stack: LiveStack, user_token: Callable[..., tuple[Any, str]]
) -> None:
    user, _ = user_token(password="correct-horse")
    with live_stack.client() as http:
        wrong = http.post("/api/auth/token/", json={"username": user.username, "password": "x"})
        unknown = http.post(
            "/api/auth/token/", json={"username": f"nobody-{uuid.uuid4().hex}", "password": "x"}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_a_refused_token_is_never_echoed_on_the_socket(
    live_stack: LiveStack, owner: tuple[Any, str], outsider: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1]) as ws:
        assert ws.frame()["event"] == "connected"
        for token in (forged(owner[1]), outsider[1]):
            ws.send({"type": "auth", "token": token})
            refused = ws.frame()
            assert (refused["type"], refused["event"]) == ("chat_error", "auth_failed")
            assert token not in str(refused)
        ws.send({"type": "ping"})
        assert ws.frame()["event"] == "pong"  # still the owner's socket, still open


def test_a_refresh_token_works_once(
    live_stack: LiveStack, user_token: Callable[..., tuple[Any, str]]
) -> None:
    user, _ = user_token(password="correct-horse")
    credentials = {"username": user.username, "password": "correct-horse"}
    with live_stack.client() as http:
        first = http.post("/api/auth/token/", json=credentials).json()["refresh"]
        renewed = http.post("/api/auth/token/refresh/", json={"refresh": first})
        assert renewed.status_code == 200 and renewed.json()["refresh"] != first
        replayed = http.post("/api/auth/token/refresh/", json={"refresh": first})
        assert replayed.status_code == 401
        again = http.post("/api/auth/token/refresh/", json={"refresh": renewed.json()["refresh"]})
        assert again.status_code == 200


def test_a_user_deactivated_through_django_is_refused_at_once_and_their_sockets_close(
    live_stack: LiveStack, user_token: Callable[..., tuple[Any, str]], django_db_blocker: Any
) -> None:
    """Accounts are checked from memory; saving one tells every web process to forget it."""
    user, token = user_token()
    with live_stack.client(token) as http:
        assert http.post("/api/chat/", json={"message": "hello"}).status_code == 202
        thread_id = http.get("/api/chat/threads/").json()["threads"][0]["thread_id"]
        with live_stack.socket(thread_id, token) as ws:
            assert ws.frame()["event"] == "connected"
            deactivate(user, django_db_blocker)
            assert ws.close_code(timeout=5) == 4401
        assert http.post("/api/chat/", json={"message": "again"}).status_code == 401


def test_a_user_deactivated_behind_djangos_back_is_refused_within_the_bound(
    live_stack: LiveStack,
    user_token: Callable[..., tuple[Any, str]],
    django_db_blocker: Any,
    tmp_path: Path,
) -> None:
    """A change no process is told of (a direct UPDATE) is felt within AUTH_ACTIVE_CHECK_SECS."""
    user, token = user_token()
    with (
        another_web(django_db_blocker, tmp_path, "active-check", AUTH_ACTIVE_CHECK_SECS="2") as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        assert http.post("/api/chat/", json={"message": "hello"}).status_code == 202
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("UPDATE auth_user SET is_active = false WHERE id = %s", [user.pk])
        deactivated_at = time.monotonic()
        while http.post("/api/chat/", json={"message": "still?"}).status_code == 202:
            assert time.monotonic() - deactivated_at < 2 + 1, "still accepted past the bound"
            time.sleep(0.1)
        assert http.post("/api/chat/", json={"message": "now?"}).status_code == 401


def test_sockets_of_a_user_deactivated_behind_djangos_back_close_within_the_bound(
    live_stack: LiveStack,  # the suite's database, migrated
    user_token: Callable[..., tuple[Any, str]],
    django_db_blocker: Any,
    tmp_path: Path,
) -> None:
    """Nothing tells the web process (a direct UPDATE, a bulk change): its open sockets of that
    account close with 4401 within AUTH_ACTIVE_CHECK_SECS all the same."""
    user, token = user_token()
    checked = {"AUTH_ACTIVE_CHECK_SECS": "2"}
    with another_web(django_db_blocker, tmp_path, "socket-check", **checked) as url:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
            thread_id = http.post("/api/chat/threads/", json={}).json()["thread_id"]
        socket_url = f"ws://{url.removeprefix('http://')}/ws/chat/{thread_id}/?token={token}"
        with connect(socket_url, open_timeout=10) as conn:
            ws = Socket(conn)
            assert ws.frame()["event"] == "connected"
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute("UPDATE auth_user SET is_active = false WHERE id = %s", [user.pk])
            assert ws.close_code(timeout=2 + 2) == 4401
