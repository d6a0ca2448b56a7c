"""The operator tools' reads, in process: the backlog's oldest turn, a turn's trace, and the
doctor's checks against the real PostgreSQL and Redis."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from psycopg.conninfo import make_conninfo

from chat.messages import message_accept
from chat.models import Turn
from chat.operations import doctor
from chat.operations.backlog import oldest_queued_age_secs
from chat.operations.doctor import run_checks
from chat.operations.trace import trace_lines
from easy_islanders.pg import conninfo
from tests.faults.postgres import FreezeProxy

pytestmark = pytest.mark.django_db


def _queued_turn(user: Any) -> Turn:
    accepted = message_accept(
        user_id=user.pk,
        text="a villa in Kyrenia",
        thread_id=None,
        client_msg_id=None,
        correlation_id=f"ops-{uuid.uuid4().hex[:12]}",
    )
    return Turn.objects.get(thread_id=accepted.thread_id, seq=accepted.seq)


def test_the_oldest_queued_turn_sets_the_backlog_age(make_user: Callable[..., Any]) -> None:
    turn = _queued_turn(make_user())
    Turn.objects.filter(pk=turn.pk).update(queued_at=timezone.now() - timedelta(minutes=10))
    assert oldest_queued_age_secs() >= 600


def test_a_trace_shows_the_turn_its_stages_and_events(
    make_user: Callable[..., Any], tmp_path: Path
) -> None:
    turn = _queued_turn(make_user())
    lines = list(trace_lines(turn.correlation_id, tmp_path))
    assert lines[0] == f"turn {turn.id} in thread {turn.thread_id}: queued, 0 attempt(s)"
    assert any("started: not reached" in line for line in lines)
    assert any(f"event #{turn.seq} user_message" in line for line in lines)
    assert lines[-1] == "log lines (0):"


def test_a_trace_of_an_unknown_id_says_so(tmp_path: Path) -> None:
    assert (
        next(trace_lines("no-such-id", tmp_path)) == "no turn stored with correlation id no-such-id"
    )


def test_the_doctor_names_what_is_down() -> None:
    findings = {f.check: f for f in run_checks("http://127.0.0.1:9", timeout_secs=2)}
    assert findings["PostgreSQL"].ok and findings["Redis"].ok
    failed = [f for f in findings.values() if not f.ok]
    assert failed, "no web server answers on port 9: the end-to-end check must fail"
    assert all(f.detail for f in failed)


def test_the_doctor_names_a_postgresql_that_stopped_answering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A route lost between here and PostgreSQL: connections open but nothing comes back.
    proxy = FreezeProxy(5432)
    proxy.start()
    try:
        proxy.freeze()
        through = make_conninfo(conninfo(), host="127.0.0.1", port=str(proxy.port))
        monkeypatch.setattr(doctor, "conninfo", lambda: through)
        started = time.monotonic()
        findings = {f.check: f for f in run_checks("http://127.0.0.1:9", timeout_secs=2)}
        assert not findings["PostgreSQL"].ok
        assert "no answer within" in findings["PostgreSQL"].detail
        assert time.monotonic() - started < 15  # every check bounded, none waiting on it
    finally:
        proxy.stop()


def test_the_doctor_names_a_slow_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "POSTGRES_SLOW_MS", 0)
    findings = {f.check: f for f in run_checks("http://127.0.0.1:9", timeout_secs=2)}
    assert not findings["PostgreSQL"].ok
    assert findings["PostgreSQL"].detail.startswith("slow: ")
