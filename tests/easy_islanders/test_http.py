"""The HTTP handler: each request runs on one pooled thread, from request_started to finished."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.core import signals

from easy_islanders.http import PooledASGIHandler


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _get(handler: PooledASGIHandler, path: str) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await handler(_scope(path), receive, send)
    start = sent[0]
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], dict(start["headers"]), body


def test_a_request_starts_and_finishes_on_one_pooled_thread() -> None:
    handler = PooledASGIHandler(threads=2)
    seen: list[tuple[str, int]] = []

    def started(**_: Any) -> None:
        seen.append(("started", threading.get_ident()))

    def finished(**_: Any) -> None:
        seen.append(("finished", threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:

        async def three_requests() -> list[tuple[int, dict[bytes, bytes], bytes]]:
            return [await _get(handler, "/healthz") for _ in range(3)]

        responses = asyncio.run(three_requests())
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)

    assert [status for status, _, _ in responses] == [200, 200, 200]
    assert all(b"X-Correlation-ID" in headers for _, headers, _ in responses)
    assert [event for event, _ in seen] == ["started", "finished"] * 3
    # Django's database connections are per thread: the thread that ran the request must be the
    # one that returns its connection (request_finished), and it is never the event loop's.
    for (_, start_thread), (_, finish_thread) in zip(seen[::2], seen[1::2], strict=True):
        assert start_thread == finish_thread != threading.get_ident()
    assert len({thread for _, thread in seen}) <= 2


@pytest.mark.django_db
def test_a_missing_page_is_a_404_sent_whole() -> None:
    status, headers, body = asyncio.run(_get(PooledASGIHandler(threads=1), "/api/no-such-thing/"))
    assert status == 404
    assert int(headers[b"Content-Length"]) == len(body) > 0
