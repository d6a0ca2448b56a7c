"""`GET /metrics`: every process's samples, plus what registered collectors read at scrape time
(the chat backlog: chat/operations/backlog.py)."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

from django.conf import settings
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
    if not _may_scrape(request):
        return HttpResponse("Forbidden.\n", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    for make in _collectors:
        registry.register(make())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(request: HttpRequest) -> bool:
    """The scraper's token, or an address on an allowed network (settings, "Metrics")."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if token and hmac.compare_digest(given.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in settings.METRICS_ALLOWED_NETWORKS)
