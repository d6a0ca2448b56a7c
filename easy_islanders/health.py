"""Liveness and readiness: is the process up, and can it do its job right now?"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from chat.turns.workers import live_worker_names
from easy_islanders.celery import app as celery_app
from easy_islanders.redis import redis_client


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "status": "alive"})


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # back to the pool: this thread serves no request that would


def _redis() -> None:
    redis_client().ping()


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _worker() -> None:
    if not live_worker_names():
        raise RuntimeError("no Celery worker has sent a heartbeat recently")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "redis": _redis,
    "broker": _broker,
    "worker": _worker,
}


READY_TIMEOUT_SECS = 2.0
# The checks run side by side, each on a thread of its own: one that hangs (a server that
# stopped answering on a silent network) is reported by name instead of holding the answer.
_checking = ThreadPoolExecutor(max_workers=4 * len(CHECKS), thread_name_prefix="readyz")


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when every check passes; answered within READY_TIMEOUT_SECS whatever hangs."""
    running = {name: _checking.submit(check) for name, check in CHECKS.items()}
    wait(running.values(), timeout=READY_TIMEOUT_SECS)
    results = {name: _result(future) for name, future in running.items()}
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"ok": ready, "checks": results}, status=200 if ready else 503)


def _result(check: Future[None]) -> str:
    if not check.done():
        return f"failed: no answer within {READY_TIMEOUT_SECS:g} s"
    error = check.exception()
    # The type and a fixed sentence only: raw exception text may hold hosts or secrets.
    return "ok" if error is None else f"failed: {type(error).__name__}"
