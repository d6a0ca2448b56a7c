from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import get_type_hints

from chat.events import PAYLOADS, durable_envelope, token_envelope, typing_envelope
from chat.models import Event, EventKind


def make_event(kind: EventKind, **meta: object) -> Event:
    return Event(
        id=uuid.uuid4(),
        thread_id=uuid.uuid4(),
        seq=7,
        kind=kind,
        content="text",
        meta=meta,
        in_reply_to=6 if kind != EventKind.USER_MESSAGE else None,
        correlation_id="cid",
        client_msg_id=uuid.uuid4(),
    )


def test_a_user_message_envelope() -> None:
    event = make_event(EventKind.USER_MESSAGE)
    envelope = durable_envelope(event)
    assert envelope["v"] == 1 and envelope["type"] == "chat_message"
    assert envelope["event"] == "user_message" and envelope["seq"] == 7
    assert envelope["thread_id"] == str(event.thread_id) and envelope["ts"].endswith("Z")
    assert envelope["payload"] == {
        "message_id": str(event.id),
        "text": "text",
        "client_msg_id": str(event.client_msg_id),
    }


def test_an_assistant_message_envelope_carries_its_cards() -> None:
    envelope = durable_envelope(
        make_event(EventKind.ASSISTANT_MESSAGE, recommendations=[{"id": 1}], agent="echo")
    )
    assert envelope["in_reply_to"] == 6
    payload = envelope["payload"]
    assert payload["recommendations"] == [{"id": 1}] and payload["agent"] == "echo"
    assert payload["degraded"] is False and payload["cancelled"] is False


def test_a_turn_failed_envelope_is_a_chat_error() -> None:
    envelope = durable_envelope(
        make_event(EventKind.TURN_FAILED, code="agent_error", retryable=True)
    )
    assert (envelope["type"], envelope["event"]) == ("chat_error", "turn_failed")
    assert envelope["payload"] == {"code": "agent_error", "message": "text", "retryable": True}


def test_an_ephemeral_envelope_has_no_seq() -> None:
    envelope = typing_envelope("t", 3, "cid", value=True)
    assert envelope["seq"] is None and envelope["in_reply_to"] == 3
    assert (envelope["type"], envelope["event"], envelope["payload"]) == (
        "chat_status",
        "typing",
        {"value": True},
    )
    token = token_envelope("t", 3, None, text="Hi", offset=4)
    assert (token["type"], token["event"], token["payload"]) == (
        "chat_delta",
        "token",
        {"text": "Hi", "offset": 4},
    )


def test_every_payload_has_the_same_fields_in_the_web_chats_types() -> None:
    """chat/events.py and frontend/src/types.ts describe the same frames."""
    types_ts = (Path(__file__).resolve().parents[2] / "frontend" / "src" / "types.ts").read_text()
    interfaces = {
        match["name"]: set(re.findall(r"^\s+(\w+)\??:", match["body"], re.MULTILINE))
        for match in re.finditer(
            r"export interface (?P<name>\w+)[^{]*\{(?P<body>[^}]*)\}", types_ts
        )
    }
    for payload in PAYLOADS:
        assert payload.__name__ in interfaces, f"{payload.__name__} is missing from types.ts"
        assert interfaces[payload.__name__] == set(get_type_hints(payload)), payload.__name__
