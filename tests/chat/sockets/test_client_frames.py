"""Client frames: parsing into the contract's frames, and the per-socket frame budget."""

from __future__ import annotations

import time

import pytest

from chat.sockets.client_frames import Auth, BadFrame, Cancel, FrameBudget, Ping, client_frame_parse


def test_the_contract_frames_parse_into_their_types() -> None:
    assert client_frame_parse('{"type":"ping"}') == Ping()
    assert client_frame_parse('{"type":"auth","token":"abc"}') == Auth("abc")
    assert client_frame_parse('{"type":"auth","token":5}') == Auth(None)
    assert client_frame_parse('{"type":"cancel","in_reply_to":3}') == Cancel(3)
    assert client_frame_parse('{"type":"cancel"}') == Cancel(None)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "not json",
        "[1]",
        '{"no":"type"}',
        '{"type":"launch"}',
        '{"type":"cancel","in_reply_to":"3"}',
        '{"type":"cancel","in_reply_to":true}',
        '{"type":"ping","pad":"' + "x" * 17_000 + '"}',
    ],
)
def test_anything_else_is_a_bad_frame(text: str | None) -> None:
    with pytest.raises(BadFrame):
        client_frame_parse(text)


def test_a_socket_may_burst_then_must_slow_down() -> None:
    budget = FrameBudget(rate=20, burst=40)
    assert all(budget.spend() for _ in range(40))
    assert not budget.spend()
    time.sleep(0.1)  # refills 2 frames
    assert budget.spend()
