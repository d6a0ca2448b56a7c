"""An OpenAI-compatible chat-completions server for tests: real HTTP on loopback, scripted.

Each request takes the next Behaviour from the script (or the default one): stream text
pieces or a tool call as server-sent events, or misbehave on purpose: an HTTP error status,
a delay longer than the client's timeout, a malformed chunk. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    text: list[str] = field(default_factory=lambda: ["Hello ", "from the ", "fake LLM."])
    tool_call: dict[str, Any] | None = None  # {"name": ..., "arguments": {...}}
    status: int = 200
    delay_secs: float = 0.0  # before the first byte
    piece_delay_secs: float = 0.0
    malformed: bool = False
    # Each piece carries the moment it was sent ("[1764160000.123456] "), for latency checks.
    timestamped: bool = False


@dataclass
class Recorded:
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]


class _Server(ThreadingHTTPServer):
    # A real provider takes a thousand streams opening at once; socketserver's listen backlog
    # of 5 would make the double, not the system under test, the limit of a load test.
    request_queue_size = 2048


class FakeLLM:
    def __init__(self) -> None:
        self.script: deque[Behaviour] = deque()
        self.default = Behaviour()
        self.requests: list[Recorded] = []
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def then(self, *behaviours: Behaviour) -> None:
        self.script.extend(behaviours)

    def _next(self) -> Behaviour:
        return self.script.popleft() if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    Recorded({k.lower(): v for k, v in self.headers.items()}, body)
                )
                behaviour = fake._next()
                time.sleep(behaviour.delay_secs)
                if behaviour.status != 200:
                    self._json(
                        behaviour.status,
                        {"error": {"message": "scripted failure", "type": "server_error"}},
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for event in _events(behaviour):
                        self.wfile.write(event)
                        self.wfile.flush()
                        time.sleep(behaviour.piece_delay_secs)
                    if behaviour.timestamped:
                        for _ in behaviour.text:
                            self.wfile.write(_chunk({"content": f"[{time.time():.6f}] "}))
                            self.wfile.flush()
                            time.sleep(behaviour.piece_delay_secs)
                        self.wfile.write(_chunk({}, finish="stop") + b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away (cancelled, killed): nothing to stream to
                self.close_connection = True

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _events(behaviour: Behaviour) -> list[bytes]:
    events = [_chunk({"role": "assistant", "content": ""})]
    if behaviour.malformed:
        return [*events, b"data: {this is not json\n\n"]
    if behaviour.tool_call:
        arguments = json.dumps(behaviour.tool_call["arguments"])
        half = len(arguments) // 2
        events.append(
            _chunk(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {
                                "name": behaviour.tool_call["name"],
                                "arguments": arguments[:half],
                            },
                        }
                    ]
                }
            )
        )
        events.append(
            _chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[half:]}}]})
        )
        events.append(_chunk({}, finish="tool_calls"))
    else:
        if behaviour.timestamped:
            return events  # the handler stamps and sends the pieces itself
        events += [_chunk({"content": piece}) for piece in behaviour.text]
        events.append(_chunk({}, finish="stop"))
    return [*events, b"data: [DONE]\n\n"]
