"""Driving the socket side in process: a fresh event loop per test, ASGI sockets through
asgiref's ApplicationCommunicator, and the domain's sync calls on worker threads."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID, uuid4

from asgiref.testing import ApplicationCommunicator

from chat.messages import Acceptance, message_accept
from chat.sockets.node import SocketNode
from easy_islanders import pg
from easy_islanders import redis as ei_redis
from easy_islanders.blocking import in_thread

T = TypeVar("T")

FRAME_WAIT_SECS = 5.0


@dataclass(frozen=True)
class Person:
    user: Any
    token: str

    @property
    def id(self) -> int:
        return int(self.user.pk)


def run(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `scenario` on a new event loop. Before the loop ends, every task left on it is
    cancelled and the loop's PostgreSQL pool and Redis client are closed (both are made per
    loop and would otherwise hold their connections after it)."""

    async def main() -> T:
        try:
            return await scenario()
        finally:
            await _loop_close()

    return asyncio.run(main())


async def _loop_close() -> None:
    loop = asyncio.get_running_loop()
    # Closed first but left in place, so that nothing cancelled below opens another one.
    pool = pg._pools.get(loop)
    if pool is not None:
        await pool.close()
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
    pg._pools.pop(loop, None)
    await ei_redis.async_redis_close()


# A sync domain call (the ORM) on a worker thread, its database connection given back after
# (the event loop's thread may not use the ORM): the project's own helper.
off_loop = in_thread


def accept(person: Person, thread_id: UUID, text: str = "hello") -> Acceptance:
    """A message accepted as the HTTP path accepts it (stored, published, its turn queued)."""
    return message_accept(
        user_id=person.id,
        text=text,
        thread_id=thread_id,
        client_msg_id=uuid4(),
        correlation_id=f"cid-{uuid4().hex[:8]}",
    )


async def wait_until(check: Callable[[], bool], timeout: float = FRAME_WAIT_SECS) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


class Socket:
    """One client of the node's chat socket, in process."""

    def __init__(
        self,
        node: SocketNode,
        path: str,
        query: dict[str, str],
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(query).encode(),
            "headers": headers or [],
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        self._io = ApplicationCommunicator(node, scope)  # type: ignore[no-untyped-call]

    async def connect(self) -> None:
        await self._io.send_input({"type": "websocket.connect"})  # type: ignore[no-untyped-call]
        assert await self._output() == {"type": "websocket.accept"}

    async def _output(self, timeout: float = FRAME_WAIT_SECS) -> dict[str, Any]:
        message: dict[str, Any] = await self._io.receive_output(timeout)  # type: ignore[no-untyped-call]
        return message

    async def frame(self, timeout: float = FRAME_WAIT_SECS) -> dict[str, Any]:
        """The next frame the server sent (fails on a close)."""
        message = await self._output(timeout)
        assert message["type"] == "websocket.send", message
        frame: dict[str, Any] = json.loads(message["text"])
        return frame

    async def frames(self, count: int, timeout: float = FRAME_WAIT_SECS) -> list[dict[str, Any]]:
        return [await self.frame(timeout) for _ in range(count)]

    async def close_code(self, timeout: float = FRAME_WAIT_SECS) -> int:
        """The code of the server's close, which must be the next thing it sends."""
        message = await self._output(timeout)
        assert message["type"] == "websocket.close", message
        return int(message["code"])

    async def nothing(self, secs: float = 0.3) -> bool:
        """True when the server sends nothing for `secs`."""
        quiet: bool = await self._io.receive_nothing(secs)  # type: ignore[no-untyped-call]
        return quiet

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        message: dict[str, Any] = {"type": "websocket.receive"}
        if isinstance(frame, bytes):
            message["bytes"] = frame
        else:
            message["text"] = frame if isinstance(frame, str) else json.dumps(frame)
        await self._io.send_input(message)  # type: ignore[no-untyped-call]

    async def send_disconnect(self, code: int = 1000) -> None:
        """The client's goodbye, without waiting for the server's side to end."""
        await self._io.send_input({"type": "websocket.disconnect", "code": code})  # type: ignore[no-untyped-call]

    async def disconnect(self, code: int = 1000) -> None:
        """The client goes away; the server's side of the socket must then end."""
        await self.send_disconnect(code)
        await self.ended()

    def cancel(self) -> None:
        """Cancel the server's side of the socket (as a hard shutdown does)."""
        self._io.stop(exceptions=False)  # type: ignore[no-untyped-call]

    async def ended(self, timeout: float = FRAME_WAIT_SECS) -> None:
        """The server's side of the socket has ended (it raised nothing)."""
        await self._io.wait(timeout)  # type: ignore[no-untyped-call]
        assert self._io.future.done() and not self._io.future.cancelled()
        self._io.future.result()


async def open_socket(
    node: SocketNode,
    thread_id: UUID | str,
    token: str | None,
    *,
    last_seq: int | str | None = None,
    origin: str | None = None,
    path: str | None = None,
    host: str = "localhost:8000",
) -> Socket:
    """A socket that has been accepted (what follows is `connected` or a close), opened on
    `host` as every client names it."""
    query = {}
    if token is not None:
        query["token"] = token
    if last_seq is not None:
        query["last_seq"] = str(last_seq)
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    socket = Socket(node, path or f"/ws/chat/{thread_id}/", query, headers)
    await socket.connect()
    return socket


async def open_connected(
    node: SocketNode, thread_id: UUID | str, token: str, *, last_seq: int | None = None
) -> tuple[Socket, dict[str, Any]]:
    """A socket past `connected`, and its `connected` frame."""
    socket = await open_socket(node, thread_id, token, last_seq=last_seq)
    connected = await socket.frame()
    assert (connected["type"], connected["event"]) == ("chat_status", "connected"), connected
    return socket, connected


def durable(frames: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(seq, event) of the durable frames, in the order sent."""
    return [(frame["seq"], frame["event"]) for frame in frames if frame["seq"] is not None]
