"""The ops checklist, run by the system on itself: each check says what is wrong in plain words."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from websockets.sync.client import connect

from accounts.tokens import access_token_issue
from chat.admission import backlog
from chat.operations.backlog import oldest_queued_age_secs
from easy_islanders.celery import app
from easy_islanders.pg import conninfo
from easy_islanders.redis import redis_client

DOCTOR_USER = "chat-doctor"
POSTGRES_ANSWER_SECS = 3.0
POSTGRES_SLOW_MS = 250  # a new connection and SELECT 1; a few ms on a healthy network
QUEUE_DEPTH_LIMIT = 50  # the queue-depth alert's threshold (deploy/prometheus/alerts.yml)


@dataclass(frozen=True)
class Finding:
    ok: bool
    check: str
    detail: str


def run_checks(base_url: str, timeout_secs: float = 15) -> list[Finding]:
    findings = [
        _guard("PostgreSQL", _postgres),
        _guard("Redis", _redis),
        _guard("Celery workers", _workers),
        _guard("Queue", _queue),
    ]
    findings += _turn_end_to_end(base_url, timeout_secs)
    return findings


def _guard(check: str, probe: Callable[[], str]) -> Finding:
    try:
        return Finding(True, check, probe())
    except Exception as exc:
        return Finding(False, check, _explain(check, exc))


def _postgres() -> str:
    """A fresh connection and one statement, as the hot path makes them, bounded in time: a
    PostgreSQL that is down, restarting or out of reach on a silent network is named so,
    and one that answers slowly too."""
    name = settings.DATABASES["default"]["NAME"]
    prober = ThreadPoolExecutor(max_workers=1)
    try:
        took_ms = prober.submit(_connect_and_select).result(timeout=POSTGRES_ANSWER_SECS)
    except (FutureTimeout, psycopg.errors.ConnectionTimeout):
        raise TimeoutError(
            f"no answer within {POSTGRES_ANSWER_SECS:g} s: PostgreSQL is down, restarting or "
            "out of reach on a network that drops everything"
        ) from None
    finally:
        prober.shutdown(wait=False)  # a probe that hangs is left behind, not waited for
    if took_ms > POSTGRES_SLOW_MS:
        raise RuntimeError(
            f"slow: a connection and SELECT 1 took {took_ms:.0f} ms "
            f"(more than {POSTGRES_SLOW_MS} ms) on {name}"
        )
    return f"answering ({name}): a connection and SELECT 1 in {took_ms:.1f} ms"


def _connect_and_select() -> float:
    started = time.perf_counter()
    with psycopg.connect(conninfo(), autocommit=True) as conn:
        conn.execute("SELECT 1")
    return (time.perf_counter() - started) * 1000


def _redis() -> str:

    started = time.perf_counter()
    redis_client().ping()
    return f"answering PING in {(time.perf_counter() - started) * 1000:.1f} ms"


def _workers() -> str:
    replies = app.control.ping(timeout=2)
    if not replies:
        raise RuntimeError("no worker answered `celery inspect ping` within 2 s")
    return f"{len(replies)} answering ping: " + ", ".join(sorted(k for r in replies for k in r))


def _queue() -> str:
    depth, age = backlog(), oldest_queued_age_secs()
    if depth > QUEUE_DEPTH_LIMIT:
        raise RuntimeError(
            f"{depth} turns waiting (more than {QUEUE_DEPTH_LIMIT}); the oldest "
            f"for {age:.0f} s. Add workers or check that they are consuming."
        )
    return f"{depth} waiting in the broker; oldest unclaimed turn {age:.1f} s old"


def _turn_end_to_end(base_url: str, timeout_secs: float) -> list[Finding]:
    """Checklist items 1 and 2: a message accepted over HTTP, answered over the socket."""
    user, _ = get_user_model().objects.get_or_create(username=DOCTOR_USER)
    token = access_token_issue(user, 300)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        thread = httpx.post(
            f"{base_url}/api/chat/threads/", json={}, headers=headers, timeout=timeout_secs
        )
        thread_id = thread.raise_for_status().json()["thread_id"]
    except Exception as exc:
        return [Finding(False, "API", _explain("API", exc, base_url))]
    ws_url = urlsplit(base_url)._replace(scheme="ws" if base_url.startswith("http:") else "wss")
    findings: list[Finding] = []
    try:
        with connect(
            f"{ws_url.geturl()}/ws/chat/{thread_id}/?token={token}", open_timeout=timeout_secs
        ) as ws:
            connected = json.loads(ws.recv(timeout=timeout_secs))
            if connected.get("event") != "connected":
                raise RuntimeError(f"first frame was {connected.get('event')!r}, not connected")
            started = time.perf_counter()
            sent = httpx.post(
                f"{base_url}/api/chat/",
                json={"message": "ping", "thread_id": thread_id},
                headers=headers,
                timeout=timeout_secs,
            )
            if sent.status_code != 202:
                findings.append(
                    Finding(
                        False,
                        "API",
                        f"POST /api/chat/ answered {sent.status_code}: {sent.text[:200]}",
                    )
                )
                return findings
            findings.append(
                Finding(
                    True,
                    "API",
                    "POST /api/chat/ answered 202 in "
                    f"{(time.perf_counter() - started) * 1000:.0f} ms",
                )
            )
            findings.append(_await_reply(ws, started, timeout_secs))
    except Exception as exc:
        findings.append(Finding(False, "WebSocket", _explain("WebSocket", exc, base_url)))
    return findings


def _await_reply(ws: object, started: float, timeout_secs: float) -> Finding:
    deadline = time.monotonic() + timeout_secs
    while time.monotonic() < deadline:
        frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))  # type: ignore[attr-defined]
        if frame["event"] in ("assistant_message", "turn_failed"):
            took = (time.perf_counter() - started) * 1000
            if frame["event"] == "turn_failed":
                return Finding(False, "Turn", f"the turn failed: {frame['payload']['code']}")
            return Finding(
                True, "Turn", f"connected, and the reply arrived over the socket in {took:.0f} ms"
            )
    return Finding(
        False,
        "Turn",
        f"no reply within {timeout_secs:.0f} s: are workers running and consuming the queue?",
    )


def _explain(check: str, exc: Exception, url: str = "") -> str:
    kind = type(exc).__name__
    hints = {
        "PostgreSQL": "check DATABASE_URL and that PostgreSQL is running",
        "Redis": f"check REDIS_URL ({urlsplit(settings.REDIS_URL).netloc}) and that Redis "
        "is running",
        "Celery workers": "start a worker: celery -A easy_islanders worker",
        "API": f"is the web server running at {url}? (make run, or PORT)",
        "WebSocket": f"the socket at {url} did not open or answer",
    }
    message = str(exc).splitlines()[0][:200] if str(exc) else kind
    return f"{message} ({kind}); {hints.get(check, '')}".rstrip("; ")
