"""The one envelope every server frame and every events-endpoint item is (CONTRACT: WebSocket)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypedDict

from django.utils import timezone

from chat.models import Event, EventKind

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
    payload: dict[str, Any]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def durable_envelope(event: Event) -> Envelope:
    return {
        "v": ENVELOPE_VERSION,
        "type": _TYPE_OF_KIND[event.kind],
        "event": event.kind,
        "thread_id": str(event.thread_id),
        "seq": event.seq,
        "in_reply_to": event.in_reply_to,
        "correlation_id": event.correlation_id or None,
        "ts": _iso(event.created_at),
        "payload": _payload(event),
    }


def _payload(event: Event) -> dict[str, Any]:
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


def ephemeral_envelope(
    type_: EnvelopeType,
    event: str,
    *,
    thread_id: str,
    payload: dict[str, Any],
    in_reply_to: int | None = None,
    correlation_id: str | None = None,
) -> Envelope:
    return {
        "v": ENVELOPE_VERSION,
        "type": type_,
        "event": event,
        "thread_id": thread_id,
        "seq": None,
        "in_reply_to": in_reply_to,
        "correlation_id": correlation_id,
        "ts": _iso(timezone.now()),
        "payload": payload,
    }
