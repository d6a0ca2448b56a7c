"""Prometheus metrics move when turns run, and the exposition passes `promtool check metrics`."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import httpx
import pytest

from tests.integration.stack import LiveStack, typing_off, wait_until
from tests.integration.test_chat_turn import send


def sample(text: str, name: str, **labels: str) -> float:
    label_text = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name + (f"{{{label_text}}}" if labels else "")) + r" ([0-9.e+-]+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_move_when_a_turn_runs(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    before = httpx.get(f"{live_stack.url}/metrics").text
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        send(live_stack, owner[1], new_thread, "need a plumber in Lefkosa")
        ws.until(typing_off)
    # The worker counts the turn a moment after the socket hears of it.
    wait_until(
        lambda: (
            sample(
                httpx.get(f"{live_stack.url}/metrics").text, "chat_turns_total", outcome="succeeded"
            )
            > sample(before, "chat_turns_total", outcome="succeeded")
        ),
        10,
        "the turn to be counted",
    )
    after = httpx.get(f"{live_stack.url}/metrics").text
    for stage in ("accept", "queue_wait", "first_token", "total", "deliver"):
        name = "chat_turn_stage_seconds_count"
        assert sample(after, name, stage=stage) > sample(before, name, stage=stage), stage
    assert sample(after, "chat_ws_closes_total", code="1000") >= 1
    assert sample(after, "chat_workers_alive") >= 1
    assert 'chat_queue_depth{queue="chat"}' in after
    assert "thread_id" not in after and "user_id" not in after  # no unbounded labels


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed")
def test_the_exposition_passes_promtool(live_stack: LiveStack) -> None:
    text = httpx.get(f"{live_stack.url}/metrics").text
    done = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr
