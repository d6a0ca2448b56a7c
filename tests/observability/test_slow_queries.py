"""Slow-query logging: a statement over SLOW_QUERY_MS is logged (without its parameters) and
counted."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection

from observability.metrics import DB_SLOW_QUERIES

pytestmark = pytest.mark.django_db


def test_a_slow_statement_is_logged_and_counted(
    caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.SLOW_QUERY_MS = 50
    before = DB_SLOW_QUERIES._value.get()
    with caplog.at_level(logging.WARNING, logger="easy_islanders.db"), connection.cursor() as cur:
        cur.execute("SELECT pg_sleep(%s), %s", [0.08, "secret-parameter"])
        cur.execute("SELECT 1")  # fast: not logged
    slow = [r for r in caplog.records if r.getMessage() == "slow_query"]
    assert len(slow) == 1
    assert slow[0].duration_ms >= 50  # type: ignore[attr-defined]
    assert "pg_sleep" in slow[0].sql and "secret-parameter" not in slow[0].sql  # type: ignore[attr-defined]
    assert DB_SLOW_QUERIES._value.get() == before + 1
