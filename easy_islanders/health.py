"""Liveness and readiness: is the process up, and can it do its job right now?"""

from __future__ import annotations

from collections.abc import Callable

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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


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


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            # The type and a fixed sentence only: raw exception text may hold hosts or secrets.
            results[name] = f"failed: {type(exc).__name__}"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"ok": ready, "checks": results}, status=200 if ready else 503)
