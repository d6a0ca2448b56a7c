"""HTTP middleware: the correlation id for the request, and one access log line per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from observability.correlation import HEADER, clean_correlation_id, correlation_scope

logger = logging.getLogger("easy_islanders.http")
MAX_LOGGED_PATH_CHARS = 300  # a hostile client must not flood the log through its URL


class CorrelationIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with correlation_scope(clean_correlation_id(request.headers.get(HEADER))) as cid:
            response = self.get_response(request)
            response[HEADER] = cid
            # The path only: a query string may carry a token.
            logger.info(
                "http_request",
                extra={
                    "method": request.method,
                    "path": request.path[:MAX_LOGGED_PATH_CHARS],
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return response
