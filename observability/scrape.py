"""`GET /metrics`: every process's samples, plus what registered collectors read at scrape time
(the chat backlog: chat/operations/backlog.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Collectors of other apps, read at scrape time (chat's backlog, say); registered when the apps
# are ready, so this module needs to know nothing of them.
_collectors: list[Callable[[], Collector]] = []


def collector_register(make: Callable[[], Collector]) -> None:
    _collectors.append(make)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    for make in _collectors:
        registry.register(make())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
