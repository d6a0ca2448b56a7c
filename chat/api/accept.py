"""`POST /api/chat/` served on the event loop: the chat turn's first step, without Django's
request cycle, DRF or the ORM.

It answers exactly as the documented DRF view (chat/api/views.py, SendMessageView, which
serves it when CHAT_ACCEPT_ON_LOOP is off) does, the checks in the same order (host, token,
throttle and backlog, body, fields, domain): both use the one field check below
(`message_fields`), the one limiter (chat/admission.py) and the one error type
(easy_islanders/errors.py). The work is one statement (chat.messages.message_accept_async);
the publish and the broker hand-off follow its commit. Measured against the DRF view in
docs/performance.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from accounts.tokens import TokenRejected, access_token_identity_async
from agents.base import LANGUAGES
from chat.admission import admission_async
from chat.messages import message_accept_async
from easy_islanders.asgi_types import Receive, Scope, Send
from easy_islanders.errors import INTERNAL_ERROR_MESSAGE, ApiError, ServiceUnavailable, error_body
from easy_islanders.security import api_response_headers, secure_scope
from observability.correlation import HEADER, clean_correlation_id, correlation_scope
from observability.middleware import MAX_LOGGED_PATH_CHARS

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("easy_islanders.http")
T = TypeVar("T")

PATH = "/api/chat/"
FIELDS = ("message", "thread_id", "client_msg_id", "language")
JSON_TYPES = ("application/json", "application/x-www-form-urlencoded")  # curl -d: the latter


def served_on_loop(scope: Scope) -> bool:
    """Is this request the loop's to answer? (HTTPS redirects stay with Django.)"""
    return (
        settings.CHAT_ACCEPT_ON_LOOP
        and scope["path"] == PATH
        and scope["method"] == "POST"
        and (not settings.SECURE_SSL_REDIRECT or secure_scope(scope))
    )


async def accept_message(scope: Scope, receive: Receive, send: Send) -> None:
    started = time.perf_counter()
    headers = {key.lower(): value for key, value in scope["headers"]}
    host = headers.get(b"host", b"").decode("latin-1")
    cid = clean_correlation_id(headers.get(HEADER.lower().encode(), b"").decode("latin-1"))
    with correlation_scope(cid) as correlation_id:
        try:
            status, body, extra = 202, await _accept(headers, host, receive, correlation_id), {}
        except ApiError as refusal:
            status, body, extra = refusal.status, refusal.body, refusal.headers
        except Exception:
            logger.exception("api_unhandled_error")
            status, body, extra = 500, error_body("internal_error", INTERNAL_ERROR_MESSAGE), {}
        payload = json.dumps(body).encode()
        response_headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (HEADER.encode(), correlation_id.encode()),
            (b"allow", b"POST, OPTIONS"),  # as DRF says for the view
            *api_response_headers(
                host if _host_allowed(host) else "", headers, secure_scope(scope)
            ),
            *((name.lower().encode(), value.encode()) for name, value in extra.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": payload})
        access_logger.info(
            "http_request",
            extra={
                "method": "POST",
                "path": PATH[:MAX_LOGGED_PATH_CHARS],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )


async def _accept(
    headers: dict[bytes, bytes], host: str, receive: Receive, correlation_id: str
) -> dict[str, Any]:
    # In Django's order: the body is read first (408), then the host, token, throttle and
    # body checks.
    raw = await _received(headers, receive)
    if not _host_allowed(host):
        raise ApiError("Bad request.")
    if not _json_acceptable(headers.get(b"accept")):
        message = "Could not satisfy the request Accept header."
        raise ApiError(message, status=406, code="not_acceptable")
    user_id = await _authenticated(headers)
    (await _unless_unavailable(admission_async(user_id))).enforce()
    fields = message_fields(_parsed(headers, raw))
    accepted = await _unless_unavailable(
        message_accept_async(
            user_id=user_id,
            text=fields["message"],
            thread_id=fields.get("thread_id"),
            client_msg_id=fields.get("client_msg_id"),
            correlation_id=correlation_id,
            meta=language_meta(fields.get("language")),
        )
    )
    return {
        "ok": True,
        "thread_id": str(accepted.thread_id),
        "message_id": str(accepted.message_id),
        "seq": accepted.seq,
        "client_msg_id": str(accepted.client_msg_id),
        "correlation_id": accepted.correlation_id,
        "status": accepted.status,
        "idempotent": accepted.idempotent,
    }


_BEARER = {"WWW-Authenticate": 'Bearer realm="api"'}


async def _unless_unavailable(work: Awaitable[T]) -> T:
    """`work`'s result; ServiceUnavailable when PostgreSQL or Redis cannot be reached."""
    try:
        return await work
    except ServiceUnavailable as exc:  # what could not be reached, by its error's type
        cause = type(exc.__cause__ or exc).__name__
        logger.error("api_dependency_unavailable", extra={"error": cause})
        raise
    except OSError as exc:  # PostgreSQL (DatabaseUnavailable) or Redis out of reach
        logger.error("api_dependency_unavailable", extra={"error": type(exc).__name__})
        raise ServiceUnavailable() from None


def language_meta(language: str | None) -> dict[str, str] | None:
    """The client's hint for the reply's language, kept in the message's meta for the agent."""
    return {"language": language} if language else None


async def _authenticated(headers: dict[bytes, bytes]) -> int:
    parts = headers.get(b"authorization", b"").split()
    if not parts or parts[0] != b"Bearer":
        message = "Authentication credentials were not provided."
        raise ApiError(message, status=401, code="not_authenticated", headers=_BEARER)
    try:
        if len(parts) != 2:
            raise TokenRejected("malformed header")
        token = parts[1].decode("latin-1")
        return (await _unless_unavailable(access_token_identity_async(token))).user_id
    except TokenRejected:
        message = "The access token is invalid or expired."
        raise ApiError(message, status=401, code="token_invalid", headers=_BEARER) from None


async def _received(headers: dict[bytes, bytes], receive: Receive) -> bytes | None:
    """The request body; None when it is over the limit (the rest is not read)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        return None
    try:
        async with asyncio.timeout(settings.HTTP_BODY_TIMEOUT_SECS):
            return await _read(receive, limit)
    except TimeoutError:
        message = "The request body did not arrive in time."
        raise ApiError(message, status=408, code="request_timeout") from None


async def _read(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiError("The client went away.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _parsed(headers: dict[bytes, bytes], raw: bytes | None) -> Any:
    if raw is None:
        raise ApiError("The request body is too large.", status=413, code="payload_too_large")
    if not raw:
        return {}  # DRF reads an empty body as no data, whatever its type
    media_type = headers.get(b"content-type", b"").split(b";")[0].strip().decode("latin-1")
    if media_type.lower() not in JSON_TYPES:
        message = f'Unsupported media type "{media_type[:100]}" in request.'
        raise ApiError(message, status=415, code="unsupported_media_type")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError("The body is not valid JSON.", code="invalid_json") from None


def message_fields(body: Any) -> dict[str, Any]:
    """The message's fields, checked for both accept paths (the documented SendMessageRequest's
    rules and DRF's wording). Raises ApiError (400 invalid_request, naming each field)."""
    invalid = "The request body is invalid."
    if not isinstance(body, dict):
        kind = type(body).__name__
        expected = {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        raise ApiError(invalid, fields=expected, code="invalid_request")
    unknown = sorted(str(name)[:64] for name in set(body) - set(FIELDS))
    if unknown:
        named = {name: ["Unknown field."] for name in unknown[:10]}
        raise ApiError(invalid, fields=named, code="invalid_request")
    errors: dict[str, list[str]] = {}
    message = body.get("message")
    if "message" not in body:
        errors["message"] = ["This field is required."]
    elif message is None:
        errors["message"] = ["This field may not be null."]
    elif not isinstance(message, str):
        errors["message"] = ["Not a valid string."]
    elif "\x00" in message:
        errors["message"] = ["Null characters are not allowed."]
    elif surrogate := next((c for c in message if "\ud800" <= c <= "\udfff"), None):
        errors["message"] = [f"Surrogate characters are not allowed: U+{ord(surrogate):X}."]
    fields: dict[str, Any] = {"message": message}
    for name in ("thread_id", "client_msg_id"):
        value = body.get(name)
        if value is None:
            continue
        try:
            if not isinstance(value, str):
                raise ValueError
            fields[name] = uuid.UUID(value)
        except ValueError:
            errors[name] = ["Must be a valid UUID."]
    if "language" in body:
        language = body["language"]
        if language is None:
            errors["language"] = ["This field may not be null."]
        elif str(language) not in LANGUAGES:  # DRF's ChoiceField compares str(value) too
            errors["language"] = [f'"{language}" is not a valid choice.']
        else:
            fields["language"] = str(language)
    if errors:
        raise ApiError(invalid, fields=errors, code="invalid_request")
    return fields


def _json_acceptable(accept: bytes | None) -> bool:
    """Does the Accept header (if any) allow a JSON answer? (DRF's content negotiation.)"""
    if accept is None:
        return True
    media_types = (item.split(b";")[0].strip().lower() for item in accept.split(b","))
    return any(media in (b"*/*", b"application/*", b"application/json") for media in media_types)


def _host_allowed(host: str) -> bool:
    domain, _ = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
