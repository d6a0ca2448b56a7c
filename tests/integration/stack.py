"""The live stack under test: a real uvicorn and a real Celery worker, as separate processes,
on the test PostgreSQL database and a Redis database of their own; and clients that talk to
it the way browsers and operators do (HTTP + WebSocket)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    output: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def start_process(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    output = log_dir / f"{name}.out"
    with output.open("ab") as out:
        popen = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Process(name, popen, output)


def start_web(env: dict[str, str], log_dir: Path, name: str = "web") -> tuple[Process, str]:
    port = free_port()
    args = ["-m", "easy_islanders.serve", "--port", str(port)]
    return start_process(name, args, env, log_dir), f"127.0.0.1:{port}"


def start_worker(env: dict[str, str], log_dir: Path, name: str = "worker") -> Process:
    args = [
        "-m",
        "celery",
        "-A",
        "easy_islanders",
        "worker",
        "--concurrency",
        env.get("WORKER_CONCURRENCY", "8"),
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"{name}-{os.getpid()}@%h",
    ]
    return start_process(name, args, env, log_dir)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def answers(url: str, status: int = 200) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == status
        except httpx.HTTPError:
            return False

    return check


@contextmanager
def running_stack(env: dict[str, str], log_dir: Path, name: str = "live") -> Iterator[LiveStack]:
    """A web process and a worker on `env`, ready (a live worker heartbeat), stopped after."""
    web, host = start_web(env, log_dir, name=f"web-{name}")
    worker = start_worker(env, log_dir, name=f"worker-{name}")
    stack = LiveStack(host=host, log_dir=log_dir, web=web, worker=worker)
    try:
        wait_until(answers(f"{stack.url}/readyz"), 60, f"the {name} stack to be ready")
        yield stack
    finally:
        worker.stop()
        web.stop()


@dataclass
class Socket:
    """A WebSocket client with a little memory of what it received."""

    conn: ClientConnection
    received: list[dict[str, Any]] = field(default_factory=list)

    def frame(self, timeout: float = 10) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(self.conn.recv(timeout=timeout))
        self.received.append(frame)
        return frame

    def until(
        self, done: Callable[[dict[str, Any]], bool], timeout: float = 15
    ) -> list[dict[str, Any]]:
        """Frames up to and including the first for which `done` is true."""
        deadline = time.monotonic() + timeout
        frames = []
        while True:
            frame = self.frame(timeout=max(0.01, deadline - time.monotonic()))
            frames.append(frame)
            if done(frame):
                return frames

    def send(self, frame: dict[str, Any] | str | bytes) -> None:
        self.conn.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    def close_code(self, timeout: float = 10) -> int | None:
        """Wait for the server to close the socket; its close code."""
        try:
            while True:
                self.frame(timeout=timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


@dataclass
class LiveStack:
    host: str
    log_dir: Path
    web: Process
    worker: Process

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    @contextmanager
    def socket(self, thread_id: str, token: str | None, **params: Any) -> Iterator[Socket]:
        query = "&".join(f"{k}={v}" for k, v in {"token": token, **params}.items() if v is not None)
        with connect(f"ws://{self.host}/ws/chat/{thread_id}/?{query}", open_timeout=10) as conn:
            yield Socket(conn)

    def log_lines(self, name: str) -> list[dict[str, Any]]:
        path = self.log_dir / name
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def is_terminal(frame: dict[str, Any]) -> bool:
    return frame["event"] in {"assistant_message", "turn_failed"}


def typing_off(frame: dict[str, Any]) -> bool:
    return frame["event"] == "typing" and frame["payload"]["value"] is False
