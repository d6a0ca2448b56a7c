"""Browser-facing policy (headers, CSP, CORS), socket origins, and production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from easy_islanders.security import socket_origin_allowed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_HOST="127.0.0.1:8000")


def test_every_page_carries_a_strict_policy(browser: Client) -> None:
    for page in ("/", "/healthz", "/api/chat/threads/"):
        response = browser.get(page)
        policy = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "connect-src 'self' ws://127.0.0.1:8000 wss://127.0.0.1:8000" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_web_chat_page_has_no_inline_code(browser: Client) -> None:
    page = browser.get("/").content.decode()
    if "<script" not in page:
        pytest.skip("the web chat is not built (make frontend)")
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert " on" not in page.replace(" one", "")  # no onload=/onerror= handlers


def test_cross_origin_calls_are_refused_unless_the_origin_is_listed(browser: Client) -> None:
    preflight = {
        "HTTP_ORIGIN": "https://app.example.com",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization,content-type",
    }
    refused = browser.options("/api/chat/", **preflight)  # type: ignore[arg-type]
    assert "Access-Control-Allow-Origin" not in refused.headers
    with override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
        allowed = browser.options("/api/chat/", **preflight)  # type: ignore[arg-type]
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
        assert "authorization" in allowed.headers["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in allowed.headers
        assert socket_origin_allowed("https://app.example.com", "api.example.com", True)
        assert socket_origin_allowed("https://APP.example.com:443/", "api.example.com", True)
        assert not socket_origin_allowed("http://app.example.com", "api.example.com", True)


@pytest.mark.parametrize(
    ("origin", "host", "secure", "allowed"),
    [
        (None, "127.0.0.1:8000", False, True),  # not a browser: the token alone decides
        ("http://127.0.0.1:8000", "127.0.0.1:8000", False, True),
        ("http://localhost", "localhost:80", False, True),  # the default port, said or not
        ("https://localhost", "localhost", True, True),
        ("http://[::1]:8000", "[::1]:8000", False, True),
        ("http://127.0.0.1:9999", "127.0.0.1:8000", False, False),  # another port
        ("https://127.0.0.1:8000", "127.0.0.1:8000", False, False),  # another scheme
        ("http://localhost:8000", "localhost:8000", True, False),  # a page over http, socket wss
        ("http://localhost:5173", "127.0.0.1:8000", False, False),  # another host of ours
        ("https://evil.example", "127.0.0.1:8000", False, False),
        ("http://evil.example", "evil.example", False, False),  # a Host not among ours
        ("http://127.0.0.1.evil.example", "127.0.0.1:8000", False, False),
        ("http://127.0.0.1:8000/path", "127.0.0.1:8000", False, False),  # malformed
        ("http://127.0.0.1:99999", "127.0.0.1:8000", False, False),
        ("http://user@127.0.0.1:8000", "127.0.0.1:8000", False, False),
        ("null", "127.0.0.1:8000", False, False),
        ("file://", "127.0.0.1:8000", False, False),
    ],
)
def test_sockets_are_open_to_our_own_origins_only(
    origin: str | None, host: str, secure: bool, allowed: bool
) -> None:
    assert socket_origin_allowed(origin, host, secure) is allowed


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JWT_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "easy_islanders.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist() -> None:
    done = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="chat.example.com",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    done = _manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("internals: password=hunter2")


urlpatterns = [path("crash/", _crash)]
handler500 = "easy_islanders.errors.json_server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_crash_is_a_json_500_without_a_trace(browser: Client) -> None:
    browser.raise_request_exception = False
    response = browser.get("/crash/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert b"hunter2" not in response.content and b"Traceback" not in response.content
