"""The ops checklist of the findings, run as written, and the operator endpoints."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from chat.models import Turn
from easy_islanders.celery import app as celery_app
from tests.integration.conftest import stack_env
from tests.integration.stack import ROOT, LiveStack, typing_off, wait_until
from tests.integration.test_chat_turn import send

BIN = Path(sys.executable).parent


def test_checklist_1_curl_as_written_returns_202(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    command = (
        f'curl -H "Authorization: Bearer {owner[1]}" http://{live_stack.host}/api/chat/ '
        """-d '{"message":"ping"}'"""
    )
    done = subprocess.run(
        command + ' -w "\\n%{http_code}"',
        shell=True,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, status = done.stdout.rsplit("\n", 1)
    assert status == "202"
    assert json.loads(body)["thread_id"]


def test_checklist_3_celery_inspect_ping_answers_pong(
    live_stack: LiveStack, django_db_blocker: Any, tmp_path: Path
) -> None:
    with django_db_blocker.unblock():
        env = stack_env(tmp_path)
    done = subprocess.run(
        [str(BIN / "celery"), "-A", "easy_islanders", "inspect", "ping"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "pong" in done.stdout


def test_checklist_4_one_correlation_id_in_both_logs_and_no_secret(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    cid = str(uuid.uuid4())
    with live_stack.socket(new_thread, owner[1], last_seq=0, cid=cid) as ws:
        ws.frame()
        send(live_stack, owner[1], new_thread, "trace me", headers={"X-Correlation-ID": cid})
        ws.until(typing_off)

    def events_in(log: str) -> set[str]:
        return {
            line["event"] for line in live_stack.log_lines(log) if line.get("correlation_id") == cid
        }

    wait_until(lambda: "turn_finished" in events_in("celery.log"), 10, "the worker's log")
    assert {"message_accepted", "http_request", "ws_connected"} <= events_in("api.log")
    assert {"turn_started", "turn_finished"} <= events_in("celery.log")
    for log in ("api.log", "celery.log"):
        text = (live_stack.log_dir / log).read_text()
        assert owner[1] not in text
        assert not re.search(r"token=(?!\[redacted\])", text)


def test_it_does_nothing_when_a_finished_turn_is_delivered_again(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str, django_db_blocker: Any
) -> None:
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        send(live_stack, owner[1], new_thread, "just once")
        ws.until(typing_off)
        with django_db_blocker.unblock():
            turn = Turn.objects.get(thread_id=new_thread)
        for _ in range(2):
            celery_app.send_task("chat.run_turn", args=[str(turn.id)])

        def skipped() -> int:
            return sum(
                1
                for line in live_stack.log_lines("celery.log")
                if line["event"] == "turn_claim_skipped" and line.get("turn_id") == str(turn.id)
            )

        wait_until(lambda: skipped() == 2, 15, "both redeliveries to be skipped")
        ws.send({"type": "ping"})
        assert ws.frame()["event"] == "pong"  # no frame of a second run came first
    with django_db_blocker.unblock():
        turn.refresh_from_db()
    assert turn.attempts == 1 and turn.state == "succeeded"
    with live_stack.client(owner[1]) as http:
        assert http.get(f"/api/chat/threads/{new_thread}/events/").json()["head_seq"] == 2


def test_health_readiness_and_schema(live_stack: LiveStack) -> None:
    assert httpx.get(f"{live_stack.url}/healthz").json()["ok"] is True
    ready = httpx.get(f"{live_stack.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == dict.fromkeys(["database", "redis", "broker", "worker"], "ok")
    schema = httpx.get(f"{live_stack.url}/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/chat/",
        "/api/chat/threads/",
        "/api/chat/threads/{thread_id}/events/",
        "/api/auth/token/",
        "/api/auth/token/refresh/",
    } <= set(document["paths"])


def test_login_and_refresh_give_working_tokens(live_stack: LiveStack, user_token: Any) -> None:
    user, _ = user_token(password="s3cret-pass")
    with live_stack.client() as http:
        wrong = http.post("/api/auth/token/", json={"username": user.username, "password": "no"})
        assert wrong.status_code == 401 and wrong.json()["ok"] is False
        pair = http.post(
            "/api/auth/token/", json={"username": user.username, "password": "s3cret-pass"}
        ).json()
        refreshed = http.post("/api/auth/token/refresh/", json={"refresh": pair["refresh"]}).json()
        for access in (pair["access"], refreshed["access"]):
            threads = http.get("/api/chat/threads/", headers={"Authorization": f"Bearer {access}"})
            assert threads.status_code == 200
        bad = http.post("/api/auth/token/refresh/", json={"refresh": pair["access"]})
        assert bad.status_code == 401


def test_issue_token_prints_a_working_token(
    live_stack: LiveStack, django_db_blocker: Any, tmp_path: Path
) -> None:
    with django_db_blocker.unblock():
        env = stack_env(tmp_path)
    name = f"operator-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    done = subprocess.run(
        [sys.executable, "manage.py", "issue_token", name, "--create", "--ttl", "60"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = done.stdout.strip()
    with live_stack.client(token) as http:
        assert http.post("/api/chat/", json={"message": "hello"}).status_code == 202
    missing = subprocess.run(
        [sys.executable, "manage.py", "issue_token", f"{name}-absent"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode != 0 and "--create" in missing.stderr
