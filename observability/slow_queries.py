"""Slow-query logging: every SQL statement over SLOW_QUERY_MS becomes a `slow_query`
log line (with the turn's correlation id, parameters never logged) and a counted sample."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from observability.metrics import DB_SLOW_QUERIES

logger = logging.getLogger("easy_islanders.db")


def _time_statement(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000
        if elapsed_ms >= settings.SLOW_QUERY_MS:
            DB_SLOW_QUERIES.inc()
            # The statement keeps its placeholders: parameter values may be private.
            logger.warning(
                "slow_query",
                extra={"duration_ms": round(elapsed_ms, 1), "sql": sql[:2000], "many": many},
            )


def _instrument(sender: Any, connection: BaseDatabaseWrapper, **_: Any) -> None:
    if _time_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(_time_statement)


def install() -> None:
    connection_created.connect(_instrument, dispatch_uid="observability.slow_queries")
