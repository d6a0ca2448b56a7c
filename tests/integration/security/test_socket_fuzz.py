"""Hostile frames on the chat socket (hypothesis): each gets an answer, nothing breaks.

Each example opens a socket and sends a few generated frames (not JSON, wrong types, unknown
types, binary, deeply nested, large), then a ping. Every frame must get exactly one answer
(`chat_error/bad_request` or the frame's own reply), the socket must stay open and answer the
ping, and a bystander socket on the same thread must keep working throughout.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.stack import LiveStack, is_terminal
from tests.integration.test_chat_turn import send

ENVELOPE_KEYS = {"v", "type", "event", "thread_id", "seq", "in_reply_to", "correlation_id", "ts"}
REPLIES = {
    ("chat_error", "bad_request"),
    ("chat_error", "auth_failed"),
    ("chat_status", "pong"),
    ("chat_status", "cancel_requested"),
}
CLIENT_FRAME_LIMIT = 16 * 1024  # chars the consumer reads; longer ones get bad_request

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
typed_frames = st.fixed_dictionaries(
    {"type": st.sampled_from(["ping", "auth", "cancel", "", "PING", "subscribe"]) | text},
    optional={"token": json_values, "in_reply_to": json_values, "extra": json_values},
)
frames = st.one_of(
    text,  # mostly not JSON at all
    json_values.map(json.dumps),  # JSON, mostly not an object with a "type"
    typed_frames.map(json.dumps),  # plausible frames with wrong or unknown values
    st.binary(max_size=64),
    st.integers(1, 6000).map(lambda depth: "[" * depth + "]" * depth),  # deep nesting
    st.integers(1, 4000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    st.integers(CLIENT_FRAME_LIMIT - 20, CLIENT_FRAME_LIMIT + 2000).map(
        lambda size: json.dumps({"type": "ping", "pad": "x" * size})
    ),
)


def assert_envelope(frame: dict[str, Any], thread_id: str) -> None:
    assert frame.keys() >= ENVELOPE_KEYS and frame["v"] == 1, frame
    assert frame["thread_id"] == thread_id and frame["seq"] is None
    assert (frame["type"], frame["event"]) in REPLIES, frame
    assert "Traceback" not in json.dumps(frame)


def test_hostile_frames_get_answers_and_break_nothing(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    sent = 0
    with live_stack.socket(new_thread, owner[1]) as bystander:
        assert bystander.frame()["event"] == "connected"

        @settings(
            max_examples=120,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(batch=st.lists(frames, min_size=1, max_size=4))
        def one_socket(batch: list[str | bytes]) -> None:
            nonlocal sent
            with live_stack.socket(new_thread, owner[1]) as ws:
                assert ws.frame()["event"] == "connected"
                for frame in batch:
                    ws.send(frame)
                    assert_envelope(ws.frame(), new_thread)
                    sent += 1
                ws.send({"type": "ping"})
                assert ws.frame()["event"] == "pong"

        one_socket()
        print(f"socket fuzz: {sent} hostile frames on {new_thread}")
        assert sent >= 200
        # The bystander saw none of it and still works, including a whole chat turn.
        bystander.send({"type": "ping"})
        assert bystander.frame()["event"] == "pong"
        send(live_stack, owner[1], new_thread, "hi")
        assert any(is_terminal(frame) for frame in bystander.until(is_terminal, timeout=30))


def test_a_frame_over_the_transport_limit_closes_only_its_socket(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with (
        live_stack.socket(new_thread, owner[1]) as bystander,
        live_stack.socket(new_thread, owner[1]) as ws,
    ):
        assert bystander.frame()["event"] == ws.frame()["event"] == "connected"
        ws.send("x" * 70_000)
        # The WebSocket layer refuses it before the consumer reads it: 1009, message too big.
        assert ws.close_code() == 1009
        bystander.send({"type": "ping"})
        assert bystander.frame()["event"] == "pong"
