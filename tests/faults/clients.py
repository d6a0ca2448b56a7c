"""Clients that behave as a careful browser does, and the invariants they check.

Each conversation has a socket that reconnects (to any live web process) with `last_seq`
whenever it is dropped, and sends messages over HTTP, retrying with the same client_msg_id
until one is accepted. Afterwards the Jepsen-style checks: every accepted message has exactly
one terminal event; each thread's seqs are gapless; each socket saw every durable event once
and in order; no typing indicator stayed on.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import connect

from tests.faults.system import System

TERMINAL = {"assistant_message", "turn_failed"}


@dataclass(frozen=True)
class Post:
    """One POST of a message: its status (or the client's error) and how long it took."""

    answer: str
    secs: float


@dataclass
class Conversation:
    system: System
    token: str
    thread_id: str
    web_index: int = 0
    last_seq: int = 0
    seen: list[int] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    accepted: dict[int, str] = field(default_factory=dict)  # user message seq → client_msg_id
    terminals: dict[int, dict[str, Any]] = field(default_factory=dict)  # in_reply_to → event
    typing_on: set[int] = field(default_factory=set)
    streamed: dict[int, str] = field(default_factory=dict)
    reconnects: int = 0
    # What a browser gets from its refresh token after a 4401 (None: keep the same token).
    renewed_token: str | None = None
    closes: Counter[int] = field(default_factory=Counter)
    posts: list[Post] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _listener: threading.Thread | None = None

    # --- The socket ------------------------------------------------------------------------

    def listen(self) -> None:
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._listener.start()

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(10)

    def _listen(self) -> None:
        while not self._stop.is_set():
            hosts = self.system.hosts
            if not hosts:
                time.sleep(0.2)
                continue
            host = hosts[self.web_index % len(hosts)]
            url = (
                f"ws://{host}/ws/chat/{self.thread_id}/?token={self.token}&last_seq={self.last_seq}"
            )
            try:
                with connect(url, open_timeout=3) as ws:
                    while not self._stop.is_set():
                        try:
                            self._on_frame(json.loads(ws.recv(timeout=0.3)))
                        except TimeoutError:
                            continue
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
                self.closes[code] += 1
                if code == 4401 and self.renewed_token:
                    self.token = self.renewed_token
            except (OSError, InvalidHandshake, TimeoutError):
                pass
            if not self._stop.is_set():
                self.reconnects += 1
                self.web_index += 1  # try another web process, as a load balancer would
                time.sleep(0.2)

    def _on_frame(self, frame: dict[str, Any]) -> None:
        event, seq, in_reply_to = frame["event"], frame["seq"], frame["in_reply_to"]
        if event == "resync_required":
            self.violations.append(f"resync_required after {self.last_seq}")
        if seq is not None:
            if seq != self.last_seq + 1:
                self.violations.append(f"seq {seq} after {self.last_seq}")
            self.last_seq = max(self.last_seq, seq)
            self.seen.append(seq)
            if event in TERMINAL:
                if in_reply_to in self.terminals:
                    self.violations.append(f"second terminal for {in_reply_to}")
                self.terminals[in_reply_to] = frame
                self.typing_on.discard(in_reply_to)
        elif event == "typing":
            if frame["payload"]["value"] and in_reply_to in self.terminals:
                self.violations.append(f"typing on after the end of turn {in_reply_to}")
            elif frame["payload"]["value"]:
                self.typing_on.add(in_reply_to)
            else:
                self.typing_on.discard(in_reply_to)
        elif event == "token":
            text, offset = frame["payload"]["text"], frame["payload"]["offset"]
            so_far = self.streamed.get(in_reply_to, "")
            if offset <= len(so_far):  # a restarted stream (a re-driven turn) overlaps
                self.streamed[in_reply_to] = so_far[:offset] + text

    # --- Sending ---------------------------------------------------------------------------

    def send(self, text: str, budget_secs: float = 60) -> int | None:
        """POST until accepted (same client_msg_id each try); the message's seq, or None."""
        client_msg_id = str(uuid.uuid4())
        deadline = time.monotonic() + budget_secs
        attempt = 0
        while time.monotonic() < deadline:
            hosts = self.system.hosts
            if hosts:
                host = hosts[(self.web_index + attempt) % len(hosts)]
                seq = self.post(host, text, client_msg_id)
                if seq is not None:
                    return seq
            attempt += 1
            time.sleep(0.3)
        return None

    def post(self, host: str, text: str, client_msg_id: str) -> int | None:
        """One POST of the message, its answer noted in `posts`; the seq if it was accepted."""
        started = time.monotonic()
        try:
            response = httpx.post(
                f"http://{host}/api/chat/",
                timeout=30,
                headers={"Authorization": f"Bearer {self.token}"},
                json={"message": text, "thread_id": self.thread_id, "client_msg_id": client_msg_id},
            )
        except httpx.HTTPError as exc:
            self.posts.append(Post(type(exc).__name__, time.monotonic() - started))
            return None
        self.posts.append(Post(str(response.status_code), time.monotonic() - started))
        if response.status_code != 202:
            return None
        seq = int(response.json()["seq"])
        self.accepted[seq] = client_msg_id
        return seq

    def cancel(self, in_reply_to: int) -> int:
        response = httpx.post(
            f"http://{self.system.hosts[0]}/api/chat/threads/{self.thread_id}/cancel/",
            json={"in_reply_to": in_reply_to},
            timeout=10,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        return response.status_code


@dataclass
class Verdict:
    accepted: int = 0
    resolved_once: int = 0
    lost: int = 0
    duplicated: int = 0
    stuck_typing: int = 0
    failed: int = 0  # resolved, but as turn_failed rather than a reply
    gaps: int = 0
    socket_violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.accepted == self.resolved_once
            and not self.lost
            and not self.duplicated
            and not self.stuck_typing
            and not self.gaps
            and not self.socket_violations
        )

    def line(self) -> str:
        return (
            f"turns accepted {self.accepted} / resolved exactly once {self.resolved_once} / "
            f"lost {self.lost} / duplicated {self.duplicated} / failed {self.failed} / "
            f"stuck typing {self.stuck_typing} / seq gaps {self.gaps} / socket violations "
            f"{len(self.socket_violations)}"
        )


def settle_and_judge(conversations: list[Conversation], timeout_secs: float = 60) -> Verdict:
    """Wait until every accepted message has its terminal event stored and seen, then judge."""
    deadline = time.monotonic() + timeout_secs
    stored: dict[str, dict[str, Any]] = {}
    for convo in conversations:
        while True:
            page = convo.system.events(convo.token, convo.thread_id)
            events = page["events"]
            assert isinstance(events, list)
            done = {e["in_reply_to"] for e in events if e["event"] in TERMINAL}
            if set(convo.accepted) <= done or time.monotonic() > deadline:
                stored[convo.thread_id] = page
                break
            time.sleep(0.3)
    # Give the sockets a moment to receive the last frames, then stop them.
    end = time.monotonic() + 10
    while time.monotonic() < end and any(
        c.last_seq < int(stored[c.thread_id]["head_seq"]) for c in conversations
    ):
        time.sleep(0.2)
    for convo in conversations:
        convo.stop()
    verdict = Verdict()
    for convo in conversations:
        events = stored[convo.thread_id]["events"]
        assert isinstance(events, list)
        head = int(stored[convo.thread_id]["head_seq"])
        seqs = [e["seq"] for e in events]
        if seqs != list(range(1, head + 1)):
            verdict.gaps += 1
        terminals = Counter(e["in_reply_to"] for e in events if e["event"] in TERMINAL)
        verdict.failed += sum(
            1 for e in events if e["event"] == "turn_failed" and e["in_reply_to"] in convo.accepted
        )
        for seq in convo.accepted:
            verdict.accepted += 1
            count = terminals.get(seq, 0)
            verdict.resolved_once += count == 1
            verdict.lost += count == 0
            verdict.duplicated += count > 1
        verdict.stuck_typing += len(convo.typing_on)
        verdict.socket_violations += [f"{convo.thread_id}: {v}" for v in convo.violations]
        if convo.seen != list(range(1, head + 1)):
            verdict.socket_violations.append(
                f"{convo.thread_id}: socket saw {convo.seen[:8]}... of {head} events"
            )
    return verdict
