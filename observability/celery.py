"""The worker side of correlation: the turn's correlation id travels as a task header and
becomes the worker's current id for the task, so every log line of the turn carries it."""

from __future__ import annotations

from contextvars import Token
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

from observability import correlation

# Not "correlation_id": Celery already uses that name for the task id.
CORRELATION_HEADER = "chat_correlation_id"
_tokens: dict[str, Token[str | None]] = {}


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
