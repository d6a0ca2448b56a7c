"""DRF's exception handler for the whole project: every API error becomes the contract's body,
{"ok": false, "error": {code, message, fields?}} (docs/protocol.md, "Errors")."""

from __future__ import annotations

import logging
from typing import Any

import django.db
import kombu.exceptions
import redis.exceptions
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from easy_islanders.errors import INTERNAL_ERROR_MESSAGE, ApiError, ServiceUnavailable, error_body

logger = logging.getLogger(__name__)

_CODES: list[tuple[type[Exception], str]] = [
    (exceptions.ParseError, "invalid_json"),
    (exceptions.ValidationError, "invalid_request"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "token_invalid"),
    (exceptions.NotFound, "not_found"),
    (Http404, "not_found"),
    (exceptions.Throttled, "throttled"),
]


# Redis (throttle cache, broker) or PostgreSQL unreachable: the message cannot be taken now.
_UNAVAILABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    django.db.OperationalError,
)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, (*_UNAVAILABLE, ServiceUnavailable)):
        # What could not be reached, by its error's type (a ServiceUnavailable carries it).
        cause = exc.__cause__ if isinstance(exc, ServiceUnavailable) and exc.__cause__ else exc
        logger.error("api_dependency_unavailable", extra={"error": type(cause).__name__})
        exc = ServiceUnavailable()
    if isinstance(exc, ApiError):
        return Response(exc.body, status=exc.status, headers=exc.headers or None)
    response = exception_handler(exc, context)  # sets WWW-Authenticate and Retry-After
    if response is None:
        logger.exception("api_unhandled_error")
        return Response(error_body("internal_error", INTERNAL_ERROR_MESSAGE), status=500)
    code = next((code for kind, code in _CODES if isinstance(exc, kind)), None)
    if code is None:
        code = getattr(exc, "default_code", "error")
    fields = response.data if isinstance(exc, exceptions.ValidationError) else None
    response.data = error_body(
        str(code), _message(exc, code), fields if isinstance(fields, dict) else None
    )
    return response


def _message(exc: Exception, code: str) -> str:
    if code == "invalid_request":
        return "The request body is invalid."
    if code == "token_invalid":
        return "The access token is invalid or expired."
    if isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str):
        return str(exc.detail)
    return str(getattr(exc, "default_detail", "Request failed."))
