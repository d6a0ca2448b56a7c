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
        assert socket_origin_allowed("https://app.example.com")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser: the token alone decides
        ("http://127.0.0.1:8000", True),
        ("http://localhost:5173", True),
        ("http://[::1]:8000", True),
        ("https://evil.example", False),
        ("http://127.0.0.1.evil.example", False),
        ("null", False),
        ("file://", False),
    ],
)
def test_sockets_are_open_to_our_own_origins_only(origin: str | None, allowed: bool) -> None:
    assert socket_origin_allowed(origin) is allowed


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
