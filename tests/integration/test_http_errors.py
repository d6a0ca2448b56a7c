"""Every error of the contract's list, with its status and the JSON error body."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from tests.integration.conftest import another_web, stack_env
from tests.integration.stack import LiveStack, Process, answers, free_port, start_web, wait_until


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and "Traceback" not in response.text
    return dict(body["error"])


BAD_BODIES = [
    (b"", "application/json", "invalid_request"),
    (b"{not json", "application/json", "invalid_json"),
    (b"[1, 2]", "application/json", "invalid_request"),
    (b'{"text": "hi"}', "application/json", "invalid_request"),
    (b'{"message": 42}', "application/json", "invalid_request"),
    (b'{"message": "hi", "thread_id": "not-a-uuid"}', "application/json", "invalid_request"),
    (b'{"message": "hi", "client_msg_id": 7}', "application/json", "invalid_request"),
    (b'{"message": "   "}', "application/json", "empty_message"),
    (b'{"message": "a\\u0000b"}', "application/json", "invalid_request"),
    (b'{"message": "\\ud800"}', "application/json", "invalid_request"),
    (b'{"message": "hi"}', "text/plain", "unsupported_media_type"),
    (b'{"message": "hi", "language": "de"}', "application/json", "invalid_request"),
    (b'{"message": "hi", "language": "TR"}', "application/json", "invalid_request"),
    (b'{"message": "hi", "language": null}', "application/json", "invalid_request"),
    (b'{"message": "hi", "language": ["en"]}', "application/json", "invalid_request"),
    (b'{"message": "hi", "language": 1}', "application/json", "invalid_request"),
]


@pytest.mark.parametrize(("body", "content_type", "code"), BAD_BODIES)
def test_it_refuses_bad_bodies_with_400(
    live_stack: LiveStack, owner: tuple[Any, str], body: bytes, content_type: str, code: str
) -> None:
    with live_stack.client(owner[1]) as http:
        response = http.post("/api/chat/", content=body, headers={"Content-Type": content_type})
    assert_error(response, 415 if code == "unsupported_media_type" else 400, code)


@pytest.fixture(scope="module")
def drf_web(
    live_stack: LiveStack, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second web process of the same stack whose DRF view answers POST /api/chat/."""
    log_dir = tmp_path_factory.mktemp("drf-accept")
    with another_web(django_db_blocker, log_dir, "drf-accept", CHAT_ACCEPT_ON_LOOP="0") as url:
        yield url


VOLATILE_HEADERS = {"date", "server", "content-length", "x-correlation-id"}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        *((body, {"Content-Type": kind}) for body, kind, _ in BAD_BODIES),
        (b'{"message": "hi", "extra": 1, "more": 2}', {"Content-Type": "application/json"}),
        (b'{"message": null, "thread_id": 5}', {"Content-Type": "application/json"}),
        (b'{"message": "hi"}', {}),
        (b'{"message": "hi"}', {"Authorization": "Bearer"}),
        (b'{"message": "hi"}', {"Authorization": "Token abc"}),
        (b'{"message": "hi"}', {"Origin": "https://app.example.com"}),
        (b'{"message": "hi"}', {"Accept": "text/html"}),
        (b'{"message": "hi"}', {"Accept": "text/html", "Authorization": "Bearer x"}),
    ],
)
def test_the_loop_and_the_drf_view_answer_alike(
    live_stack: LiveStack,
    drf_web: str,
    owner: tuple[Any, str],
    body: bytes,
    headers: dict[str, str],
) -> None:
    """The accept path on the event loop gives the DRF view's answers, headers included."""
    answers_ = []
    for base in (live_stack.url, drf_web):
        sent = {"Authorization": f"Bearer {owner[1]}", **headers}
        response = httpx.post(f"{base}/api/chat/", content=body, headers=sent)
        host = urlsplit(base).netloc  # named in the CSP's connect-src
        kept = {
            k: v.replace(host, "HOST")
            for k, v in response.headers.items()
            if k not in VOLATILE_HEADERS
        }
        answers_.append((response.status_code, response.json(), kept))
    (loop_status, loop_body, loop_headers), (drf_status, drf_body, drf_headers) = answers_
    assert (loop_status, loop_body) == (drf_status, drf_body)
    assert loop_headers == drf_headers
    assert loop_status >= 400


def test_it_names_the_bad_field(live_stack: LiveStack, owner: tuple[Any, str]) -> None:
    with live_stack.client(owner[1]) as http:
        error = assert_error(http.post("/api/chat/", json={"message": 42}), 400, "invalid_request")
        assert "message" in error["fields"]
        bad = {"message": "hi", "language": "de"}
        error = assert_error(http.post("/api/chat/", json=bad), 400, "invalid_request")
    assert error["fields"] == {"language": ['"de" is not a valid choice.']}


def test_it_refuses_a_message_over_the_limit_with_413(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    with live_stack.client(owner[1]) as http:
        assert_error(
            http.post("/api/chat/", json={"message": "x" * (limit + 1)}), 413, "message_too_long"
        )
        assert http.post("/api/chat/", json={"message": "x" * limit}).status_code == 202
        huge = b'{"message": "' + b"x" * 1_000_000 + b'"}'
        response = http.post(
            "/api/chat/", content=huge, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 413, "payload_too_large")


def test_it_refuses_missing_and_bad_tokens_with_401(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    user, _ = owner
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=5))
    for token in (None, "garbage", str(expired)):
        with live_stack.client(token) as http:
            for method, path in [("POST", "/api/chat/"), ("GET", "/api/chat/threads/")]:
                response = http.request(method, path, json={"message": "hi"})
                assert_error(
                    response, 401, "not_authenticated" if token is None else "token_invalid"
                )


def test_it_hides_other_users_threads_behind_404(
    live_stack: LiveStack, owner: tuple[Any, str], outsider: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.client(outsider[1]) as http:
        for thread_id in (new_thread, str(uuid.uuid4()), "not-a-uuid"):
            response = http.get(f"/api/chat/threads/{thread_id}/events/")
            assert_error(response, 404, "thread_not_found")
        for thread_id in (new_thread, str(uuid.uuid4())):
            response = http.post("/api/chat/", json={"message": "hi", "thread_id": thread_id})
            assert_error(response, 404, "thread_not_found")
        threads = http.get("/api/chat/threads/").json()["threads"]
    assert new_thread not in {t["thread_id"] for t in threads}
    with live_stack.client(owner[1]) as http:
        page = http.get(f"/api/chat/threads/{new_thread}/events/").json()
    assert page["events"] == []  # the outsider's attempts stored nothing


def test_it_validates_the_events_query(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.client(owner[1]) as http:
        for query in ("after_seq=-1", "after_seq=x", "limit=0", "limit=5000"):
            response = http.get(f"/api/chat/threads/{new_thread}/events/?{query}")
            assert_error(response, 400, "invalid_request")


def test_it_answers_unknown_urls_and_hosts_with_json(live_stack: LiveStack) -> None:
    assert_error(httpx.get(f"{live_stack.url}/api/nothing-here/"), 404, "not_found")
    bad_host = httpx.get(f"{live_stack.url}/healthz", headers={"Host": "evil.example"})
    assert_error(bad_host, 400, "bad_request")


@pytest.fixture(scope="module")
def throttled_web(
    live_stack: LiveStack, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second web process of the same stack with a send rate of 3 a minute."""
    log_dir = tmp_path_factory.mktemp("throttled")
    with another_web(django_db_blocker, log_dir, "throttled", CHAT_SEND_RATE="3/min") as url:
        yield url


def test_it_throttles_a_fast_sender_with_429_and_retry_after(
    throttled_web: str, owner: tuple[Any, str], outsider: tuple[Any, str]
) -> None:
    headers = {"Authorization": f"Bearer {owner[1]}"}
    statuses = [
        httpx.post(
            f"{throttled_web}/api/chat/", json={"message": f"m{i}"}, headers=headers
        ).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 202]
    response = httpx.post(
        f"{throttled_web}/api/chat/", json={"message": "one too many"}, headers=headers
    )
    assert_error(response, 429, "throttled")
    assert int(response.headers["Retry-After"]) > 0
    other = httpx.post(
        f"{throttled_web}/api/chat/",
        json={"message": "hi"},
        headers={"Authorization": f"Bearer {outsider[1]}"},
    )
    assert other.status_code == 202  # the limit is per user


def test_it_answers_503_when_redis_is_unreachable(
    live_stack: LiveStack, owner: tuple[Any, str], django_db_blocker: Any, tmp_path: Path
) -> None:
    with django_db_blocker.unblock():
        env = stack_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    web: Process
    web, host = start_web(env, tmp_path, name="web-no-redis")
    try:
        wait_until(answers(f"http://{host}/healthz"), 30, "the web process without Redis")
        response = httpx.post(
            f"http://{host}/api/chat/",
            json={"message": "hello?"},
            headers={"Authorization": f"Bearer {owner[1]}"},
            timeout=30,
        )
        assert_error(response, 503, "service_unavailable")
        ready = httpx.get(f"http://{host}/readyz", timeout=30)
    finally:
        web.stop()
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"] == "ok" and checks["redis"].startswith("failed")
    with live_stack.client(owner[1]) as http:
        assert http.get("/api/chat/threads/").json()["threads"] == []  # nothing was stored


def test_cancel_answers_202_and_hides_other_users_threads(
    live_stack: LiveStack, owner: tuple[Any, str], outsider: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.client(owner[1]) as http:
        response = http.post(f"/api/chat/threads/{new_thread}/cancel/", json={})
        assert response.status_code == 202
        assert response.json()["status"] == "nothing_to_cancel"
        invalid = http.post(f"/api/chat/threads/{new_thread}/cancel/", json={"in_reply_to": "x"})
        assert_error(invalid, 400, "invalid_request")
    with live_stack.client(outsider[1]) as http:
        response = http.post(f"/api/chat/threads/{new_thread}/cancel/", json={})
        assert_error(response, 404, "thread_not_found")


@pytest.mark.parametrize("on_loop", ["1", "0"])
def test_past_the_backlog_a_message_is_refused_at_once_not_failed_later(
    live_stack: LiveStack,
    owner: tuple[Any, str],
    django_db_blocker: Any,
    tmp_path: Path,
    on_loop: str,
) -> None:
    """With more turns waiting than CHAT_MAX_BACKLOG, a new message gets 503 `overloaded`
    with Retry-After, and nothing of it is stored."""
    queue = f"overload-{on_loop}-{uuid.uuid4().hex[:8]}"  # a queue no worker takes from
    broker = redis.Redis.from_url(settings.REDIS_URL)
    settings_ = {"CHAT_QUEUE": queue, "CHAT_MAX_BACKLOG": "2", "CHAT_ACCEPT_ON_LOOP": on_loop}
    try:
        with (
            another_web(django_db_blocker, tmp_path, f"overload-{on_loop}", **settings_) as url,
            httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {owner[1]}"}, timeout=10
            ) as http,
        ):
            thread_id = http.post("/api/chat/threads/", json={}).json()["thread_id"]
            sent = [
                http.post("/api/chat/", json={"message": f"m{i}", "thread_id": thread_id})
                for i in range(2)
            ]
            # The backlog is what the broker holds (the hand-off follows the 202).
            wait_until(lambda: broker.llen(queue) == 2, 10, "two turns in the broker")
            sent.append(http.post("/api/chat/", json={"message": "m2", "thread_id": thread_id}))
            page = http.get(f"/api/chat/threads/{thread_id}/events/").json()
    finally:
        broker.delete(queue)
    assert [r.status_code for r in sent[:2]] == [202, 202]
    error = assert_error(sent[2], 503, "overloaded")
    assert "busy" in error["message"] and sent[2].headers["Retry-After"] == "5"
    assert page["head_seq"] == 2  # the refused message was not stored
