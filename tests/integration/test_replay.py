"""Reconnecting with last_seq: every missed durable event once, in order, before live ones."""

from __future__ import annotations

import threading
from typing import Any

from tests.integration.stack import LiveStack, is_terminal, typing_off
from tests.integration.test_chat_turn import send


def finished_turns(stack: LiveStack, token: str, thread_id: str, count: int) -> None:
    with stack.socket(thread_id, token, last_seq=0) as ws:
        ws.frame()
        for i in range(count):
            send(stack, token, thread_id, f"message {i}")
            ws.until(typing_off)


def test_it_replays_everything_after_last_seq(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    finished_turns(live_stack, owner[1], new_thread, 2)  # seqs 1..4

    with live_stack.socket(new_thread, owner[1], last_seq=1) as ws:
        connected = ws.frame()
        replayed = [ws.frame(), ws.frame(), ws.frame()]
        ws.send({"type": "ping"})
        pong = ws.frame()

    assert connected["payload"]["head_seq"] == 4 and connected["payload"]["resumed_from"] == 1
    assert [f["seq"] for f in replayed] == [2, 3, 4]
    assert pong["event"] == "pong"  # nothing else was queued behind the replay


def test_it_replays_nothing_without_last_seq_or_when_up_to_date(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    finished_turns(live_stack, owner[1], new_thread, 1)
    for params in ({}, {"last_seq": 2}):
        with live_stack.socket(new_thread, owner[1], **params) as ws:
            assert ws.frame()["event"] == "connected"
            ws.send({"type": "ping"})
            assert ws.frame()["event"] == "pong"


def test_it_asks_for_a_resync_when_last_seq_is_ahead(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1], last_seq=99) as ws:
        assert ws.frame()["event"] == "connected"
        resync = ws.frame()
    assert resync["type"] == "chat_status" and resync["event"] == "resync_required"


def test_it_never_repeats_or_skips_while_turns_run_during_reconnects(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    """Sockets connect with last_seq while messages are being answered: each one sees the
    seqs after its last_seq exactly once and in order, whether replayed or live."""
    total = 6
    sender = threading.Thread(
        target=lambda: [send(live_stack, owner[1], new_thread, f"m{i}") for i in range(total)]
    )
    sender.start()
    last_seq, checked = 0, 0
    try:
        while last_seq < 2 * total:
            with live_stack.socket(new_thread, owner[1], last_seq=last_seq) as ws:
                ws.frame()
                # Read a few durable frames, then drop the socket mid-stream and resume.
                for _ in range(3):
                    frame = ws.until(lambda f: f["seq"] is not None, timeout=20)[-1]
                    assert frame["seq"] == last_seq + 1, f"after {last_seq} got {frame['seq']}"
                    last_seq, checked = frame["seq"], checked + 1
                    if last_seq == 2 * total:
                        break
    finally:
        sender.join()
    assert checked == 2 * total


def test_it_sends_live_events_to_every_open_tab(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with (
        live_stack.socket(new_thread, owner[1], last_seq=0) as tab1,
        live_stack.socket(new_thread, owner[1], last_seq=0) as tab2,
    ):
        tab1.frame(), tab2.frame()
        send(live_stack, owner[1], new_thread, "seen everywhere")
        for tab in (tab1, tab2):
            durable = [f for f in tab.until(typing_off) if f["seq"] is not None]
            assert [f["seq"] for f in durable] == [1, 2] and is_terminal(durable[-1])
