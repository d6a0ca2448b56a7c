"""The worker side of correlation and liveness.

- The turn's correlation id travels as a task header and becomes the worker's current id for
  the task, so every log line of the turn carries it.
- A heartbeat in Redis (a sorted set of worker name → last beat) lets /readyz say whether any
  worker is alive without a broadcast round-trip.
"""

from __future__ import annotations

import logging
import threading
import time
from contextvars import Token
from typing import Any

from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_ready,
    worker_shutdown,
)

from observability import correlation

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "ei:workers:heartbeat"
# Not "correlation_id": Celery already uses that name for the task id.
CORRELATION_HEADER = "chat_correlation_id"
_tokens: dict[str, Token[str | None]] = {}
_stop_heartbeat = threading.Event()
_hostname: list[str] = []


@before_task_publish.connect
def _add_correlation_header(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None and not headers.get(CORRELATION_HEADER):
        headers[CORRELATION_HEADER] = correlation.current_correlation_id()


@task_prerun.connect
def _enter_correlation(task_id: str, task: Any, **_: Any) -> None:
    cid = correlation.clean_correlation_id(task.request.get(CORRELATION_HEADER))
    _tokens[task_id] = correlation.correlation_enter(cid)


@task_postrun.connect
def _leave_correlation(task_id: str, **_: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        correlation.correlation_leave(token)


def live_worker_names(max_age_secs: float) -> set[str]:
    """Workers that sent a heartbeat within the last `max_age_secs`."""
    from easy_islanders.redis import redis_client

    names = redis_client().zrangebyscore(HEARTBEAT_KEY, time.time() - max_age_secs, "+inf")
    return {str(name) for name in names}


def _beat(hostname: str, every_secs: float) -> None:
    from easy_islanders.redis import redis_client

    while not _stop_heartbeat.is_set():
        try:
            redis_client().zadd(HEARTBEAT_KEY, {hostname: time.time()})
        except Exception as exc:
            logger.warning("worker_heartbeat_failed", extra={"error": type(exc).__name__})
        _stop_heartbeat.wait(every_secs)


@worker_ready.connect
def _start_heartbeat(sender: Any, **_: Any) -> None:
    from django.conf import settings

    hostname = sender.hostname
    _hostname.append(hostname)
    threading.Thread(
        target=_beat,
        args=(hostname, settings.WORKER_HEARTBEAT_SECS),
        name="worker-heartbeat",
        daemon=True,
    ).start()
    logger.info("worker_ready", extra={"hostname": hostname})


@worker_shutdown.connect
def _stop(**_: Any) -> None:
    from easy_islanders.redis import redis_client

    _stop_heartbeat.set()
    try:
        if _hostname:
            redis_client().zrem(HEARTBEAT_KEY, *_hostname)
    except Exception as exc:
        logger.warning("worker_heartbeat_failed", extra={"error": type(exc).__name__})
