"""The correlation id of the chat turn being handled, carried in a context variable.

It arrives from the browser (`X-Correlation-ID`, or the socket's `cid`), is generated when
absent, travels in the Celery task headers and is stamped on every log line, frame and row.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

HEADER = "X-Correlation-ID"
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)
# A client-chosen id ends up in log lines and response headers: accept only a short, plain token.
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def clean_correlation_id(value: str | None) -> str | None:
    """The client's id if it is safe to log and echo, else None."""
    if value and _SAFE.match(value):
        return value
    return None


def current_correlation_id() -> str | None:
    return _current.get()


def correlation_enter(correlation_id: str | None) -> Token[str | None]:
    """Make `correlation_id` (or a new one) current until `correlation_leave(token)`."""
    return _current.set(correlation_id or new_correlation_id())


def correlation_leave(token: Token[str | None]) -> None:
    _current.reset(token)


@contextmanager
def correlation_scope(correlation_id: str | None) -> Iterator[str]:
    """Run a block with `correlation_id` (or a new one) as the current id."""
    token = correlation_enter(correlation_id)
    try:
        yield _current.get() or ""
    finally:
        correlation_leave(token)
