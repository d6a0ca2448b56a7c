"""The one envelope every server frame and every events-endpoint item is (docs/protocol.md).

Durable envelopes are built from stored events (a model instance or an `EventRow` read with
hand-written SQL); every ephemeral frame has a named constructor with a typed payload below
(mirrored by `frontend/src/types.ts`; tests/chat/test_events.py keeps the two in step).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple, Protocol, TypedDict
from uuid import UUID

from django.utils import timezone

from chat.models import EventKind

EnvelopeType = Literal["chat_status", "chat_message", "chat_delta", "chat_error"]

ENVELOPE_VERSION = 1
_TYPE_OF_KIND: dict[str, EnvelopeType] = {
    EventKind.USER_MESSAGE: "chat_message",
    EventKind.ASSISTANT_MESSAGE: "chat_message",
    EventKind.TURN_FAILED: "chat_error",
}


class Envelope(TypedDict):
    v: int
    type: EnvelopeType
    event: str
    thread_id: str
    seq: int | None
    in_reply_to: int | None
    correlation_id: str | None
    ts: str
    payload: Any


# --- Payloads -----------------------------------------------------------------------------------


class UserMessagePayload(TypedDict):
    message_id: str
    text: str
    client_msg_id: str | None


class AssistantMessagePayload(TypedDict):
    message_id: str
    text: str
    recommendations: list[dict[str, Any]]
    agent: str | None
    degraded: bool
    cancelled: bool


class TurnFailedPayload(TypedDict):
    code: str
    message: str
    retryable: bool


class TypingPayload(TypedDict):
    value: bool


class TokenPayload(TypedDict):
    text: str
    offset: int


class ConnectedPayload(TypedDict):
    head_seq: int
    resumed_from: int | None
    token_expires_at: str


class ResyncRequiredPayload(TypedDict):
    head_seq: int


class TokenExpiryPayload(TypedDict):
    token_expires_at: str


class CancelRequestedPayload(TypedDict):
    in_reply_to: int | None
    found: bool


class ErrorPayload(TypedDict):
    code: str
    message: str
    retryable: bool


# Every payload the server sends, by the name the web chat's types.ts gives it too.
PAYLOADS: tuple[type, ...] = (
    UserMessagePayload,
    AssistantMessagePayload,
    TurnFailedPayload,
    TypingPayload,
    TokenPayload,
    ConnectedPayload,
    ResyncRequiredPayload,
    TokenExpiryPayload,
    CancelRequestedPayload,
    ErrorPayload,
)
StatusEvent = Literal[
    "connected", "resync_required", "token_expiring", "token_renewed", "cancel_requested", "pong"
]


# --- Durable events ------------------------------------------------------------------------------


class EventRow(NamedTuple):
    """A durable event as the hot path's SQL returns it (the columns of chat_event)."""

    id: UUID
    thread_id: UUID
    seq: int
    kind: str
    content: str
    meta: Any
    client_msg_id: UUID | None
    in_reply_to: int | None
    correlation_id: str
    created_at: datetime


class StoredEvent(Protocol):
    """A stored event: a `chat.models.Event`, or a row read by hand-written SQL."""

    @property
    def id(self) -> UUID: ...
    @property
    def thread_id(self) -> UUID: ...
    @property
    def seq(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def content(self) -> str: ...
    @property
    def meta(self) -> Any: ...
    @property
    def client_msg_id(self) -> UUID | None: ...
    @property
    def in_reply_to(self) -> int | None: ...
    @property
    def correlation_id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def durable_envelope(event: StoredEvent) -> Envelope:
    return {
        "v": ENVELOPE_VERSION,
        "type": _TYPE_OF_KIND[event.kind],
        "event": event.kind,
        "thread_id": str(event.thread_id),
        "seq": event.seq,
        "in_reply_to": event.in_reply_to,
        "correlation_id": event.correlation_id or None,
        "ts": iso_utc(event.created_at),
        "payload": _payload(event),
    }


def _payload(
    event: StoredEvent,
) -> UserMessagePayload | AssistantMessagePayload | TurnFailedPayload:
    if event.kind == EventKind.USER_MESSAGE:
        return {
            "message_id": str(event.id),
            "text": event.content,
            "client_msg_id": str(event.client_msg_id) if event.client_msg_id else None,
        }
    if event.kind == EventKind.ASSISTANT_MESSAGE:
        return {
            "message_id": str(event.id),
            "text": event.content,
            "recommendations": event.meta.get("recommendations", []),
            "agent": event.meta.get("agent"),
            "degraded": bool(event.meta.get("degraded", False)),
            "cancelled": bool(event.meta.get("cancelled", False)),
        }
    return {
        "code": event.meta.get("code", "turn_failed"),
        "message": event.content,
        "retryable": bool(event.meta.get("retryable", False)),
    }


# --- Ephemeral frames ----------------------------------------------------------------------------


def typing_envelope(
    thread_id: str, in_reply_to: int, correlation_id: str | None, *, value: bool
) -> Envelope:
    payload: TypingPayload = {"value": value}
    return _ephemeral("chat_status", "typing", thread_id, payload, in_reply_to, correlation_id)


def token_envelope(
    thread_id: str, in_reply_to: int, correlation_id: str | None, *, text: str, offset: int
) -> Envelope:
    payload: TokenPayload = {"text": text, "offset": offset}
    return _ephemeral("chat_delta", "token", thread_id, payload, in_reply_to, correlation_id)


def status_envelope(thread_id: str, event: StatusEvent, payload: Any) -> Envelope:
    return _ephemeral("chat_status", event, thread_id, payload, None, None)


def error_envelope(thread_id: str, code: str, message: str) -> Envelope:
    """A socket-level error (`bad_request`, `auth_failed`): the socket stays open."""
    payload: ErrorPayload = {"code": code, "message": message, "retryable": False}
    return _ephemeral("chat_error", code, thread_id, payload, None, None)


def _ephemeral(
    type_: EnvelopeType,
    event: str,
    thread_id: str,
    payload: Any,
    in_reply_to: int | None,
    correlation_id: str | None,
) -> Envelope:
    return {
        "v": ENVELOPE_VERSION,
        "type": type_,
        "event": event,
        "thread_id": thread_id,
        "seq": None,
        "in_reply_to": in_reply_to,
        "correlation_id": correlation_id,
        "ts": iso_utc(timezone.now()),
        "payload": payload,
    }
