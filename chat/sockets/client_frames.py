"""What a client may send on the chat socket (docs/protocol.md, "Client frames"), parsed and
typed."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

MAX_CLIENT_FRAME_CHARS = 16 * 1024


class BadFrame(Exception):
    """The frame is not one the contract allows; its message is safe to show the client."""


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Auth:
    token: str | None


@dataclass(frozen=True)
class Cancel:
    in_reply_to: int | None


ClientFrame = Ping | Auth | Cancel


def client_frame_parse(text: str | None) -> ClientFrame:
    """One client frame; raises BadFrame."""
    if text is None:
        raise BadFrame("Frames must be JSON text.")
    if len(text) > MAX_CLIENT_FRAME_CHARS:
        raise BadFrame("The frame is too large.")
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise BadFrame("Frames must be JSON text.") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise BadFrame('A frame is a JSON object with a "type".')
    kind = frame["type"]
    if kind == "ping":
        return Ping()
    if kind == "auth":
        token = frame.get("token")
        return Auth(token if isinstance(token, str) else None)
    if kind == "cancel":
        in_reply_to = frame.get("in_reply_to")
        if in_reply_to is not None and (
            not isinstance(in_reply_to, int) or isinstance(in_reply_to, bool)
        ):
            raise BadFrame('"in_reply_to" must be the seq of the message.')
        return Cancel(in_reply_to)
    raise BadFrame(f"Unknown frame type {kind[:40]!r}.")


@dataclass
class FrameBudget:
    """A token bucket: `rate` client frames a second on average, bursts of up to `burst`."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens, self.stamp = self.burst, time.monotonic()

    def spend(self) -> bool:
        """Take one frame's token; False when the socket has sent faster than allowed."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
