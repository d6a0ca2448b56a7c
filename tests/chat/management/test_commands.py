"""The operator commands as the ops checklist runs them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chat.management.commands import chat_doctor, chat_trace


def test_chat_trace_prints_the_timeline_of_a_correlation_id(db: None, settings: Any) -> None:
    out = io.StringIO()
    call_command(chat_trace.Command(), "no-such-correlation-id", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "no turn stored with correlation id no-such-correlation-id"
    )


def test_chat_doctor_fails_loudly_when_the_web_server_is_away(db: None) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="unhealthy"):
        call_command(
            chat_doctor.Command(), "--url", "http://127.0.0.1:9", "--timeout", "2", stdout=out
        )
    assert "ok   PostgreSQL" in out.getvalue()
