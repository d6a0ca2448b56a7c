"""JSON-lines logging for every process, with the correlation id and without secrets.

One object per line: `ts`, `level`, `logger`, `event` (the message), `correlation_id` and
every `extra=` field. The web process writes `api.log`, the worker `celery.log`, both also
to stdout.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from observability.correlation import current_correlation_id

Process = Literal["api", "celery", "manage"]

_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}

# Secrets that could reach a message through a URL, a header dump or an exception text.
_SECRET_PATTERNS = [
    # ?token=... in a URL (the socket's query string).
    (re.compile(r"(?i)([?&](?:token|access|refresh|password)=)[^&\s'\"\\]+"), r"\1[redacted]"),
    # Authorization: Bearer ...
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[redacted]"),
    # "password": "..." in a JSON text, raw or escaped inside a logged message.
    (
        re.compile(
            r'(?i)(\\?"(?:password|token|access|refresh|authorization|api_key)\\?"\s*:\s*\\?")'
            r'[^"\\]*'
        ),
        r"\1[redacted]",
    ),
    # Anything shaped like a JWT, wherever it appears.
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), "[redacted-jwt]"),
]


_CACHED = "_json_line"  # where a record keeps its formatted line (never logged itself)
_LINE_BREAKS_ESCAPED = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # Every handler (stdout, the log file) formats the record: build the line once.
        cached = record.__dict__.get(_CACHED)
        if cached is not None:
            return str(cached)
        record.__dict__[_CACHED] = text = self._format(record)
        return text

    def _format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or current_correlation_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in line:
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        text = json.dumps(line, default=str, ensure_ascii=False)
        # JSON leaves these raw outside ASCII, yet many readers (Python's splitlines, some log
        # shippers) break lines at them: a client-chosen path must not split a log line.
        return redact(text.translate(_LINE_BREAKS_ESCAPED))


def configure_logging(process: Process, log_dir: Path, level: str) -> None:
    handlers: dict[str, dict[str, Any]] = {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
    }
    if process != "manage":
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers["file"] = {
            "class": "logging.handlers.WatchedFileHandler",
            "formatter": "json",
            "filename": str(log_dir / f"{process}.log"),
            "encoding": "utf-8",
        }
    quiet = {"level": "WARNING", "propagate": True}
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonLinesFormatter}},
            "handlers": handlers,
            "root": {"level": level, "handlers": list(handlers)},
            "loggers": {
                # Their lines would repeat ours without the turn's context (ours carry it).
                "uvicorn.access": quiet,
                "celery.worker.strategy": quiet,
                "celery.app.trace": quiet,
                "django.request": quiet,
                "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
                "uvicorn": {"level": level, "handlers": [], "propagate": True},
            },
        }
    )
