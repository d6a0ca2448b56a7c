"""One turn's timeline from its correlation id: stored stages and events, then every log line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from chat.models import Event, Turn

_SHOWN_FIELDS = (
    "turn_id",
    "thread_id",
    "seq",
    "state",
    "attempt",
    "code",
    "status",
    "path",
    "duration_ms",
    "error",
    "reason",
    "replayed",
    "provider",
    "agent",
)


def trace_lines(correlation_id: str, log_dir: Path) -> Iterator[str]:
    turns = list(Turn.objects.filter(correlation_id=correlation_id).order_by("queued_at"))
    if not turns:
        yield f"no turn stored with correlation id {correlation_id}"
    for turn in turns:
        yield f"turn {turn.id} in thread {turn.thread_id}: {turn.state}, {turn.attempts} attempt(s)"
        yield from _stages(turn)
    events = Event.objects.filter(correlation_id=correlation_id).order_by("created_at")
    for event in events:
        yield f"  {_ts(event.created_at)}  event #{event.seq} {event.kind}"
    lines = sorted(_log_lines(correlation_id, log_dir), key=lambda item: item[0])
    yield f"log lines ({len(lines)}):"
    for ts, source, line in lines:
        fields = " ".join(f"{k}={line[k]}" for k in _SHOWN_FIELDS if line.get(k) is not None)
        yield f"  {ts}  {source:<6} {line.get('level', ''):<7} {line.get('event')}  {fields}"


def _stages(turn: Turn) -> Iterator[str]:
    marks = [
        ("queued", turn.queued_at),
        ("started", turn.started_at),
        ("first token", turn.first_token_at),
        ("finished", turn.finished_at),
    ]
    previous: datetime | None = None
    for name, moment in marks:
        if moment is None:
            yield f"  {'-':<26}  {name}: not reached"
            continue
        step = f" (+{(moment - previous).total_seconds() * 1000:.0f} ms)" if previous else ""
        yield f"  {_ts(moment)}  {name}{step}"
        previous = moment


def _log_lines(correlation_id: str, log_dir: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, source in (("api.log", "web"), ("celery.log", "worker")):
        path = log_dir / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as lines:
            for raw in lines:
                if correlation_id not in raw:
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                yield str(line.get("ts", "")), source, line


def _ts(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")
