"""What one socket has been sent of its thread's durable events, and what to do next.

A socket subscribes to its thread first, then replays from PostgreSQL, then takes live frames:
live frames it already replayed are dropped, and a live frame past a gap (pub/sub is
at-most-once) first makes it read the missing events from PostgreSQL.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Action(enum.Enum):
    SEND = "send"
    DROP = "drop"
    FILL_GAP = "fill_gap"


@dataclass
class DeliveryCursor:
    delivered_seq: int

    def action_for(self, seq: int) -> Action:
        if seq <= self.delivered_seq:
            return Action.DROP
        if seq == self.delivered_seq + 1:
            return Action.SEND
        return Action.FILL_GAP

    def sent(self, seq: int) -> None:
        assert seq == self.delivered_seq + 1, f"seq {seq} after {self.delivered_seq}"
        self.delivered_seq = seq


class StreamCursor:
    """How much of each running reply's text one socket has been sent (by `in_reply_to`).

    A socket that joins mid-stream is sent the text so far; live pieces that overlap it are
    trimmed, so the client sees each character once.
    """

    def __init__(self) -> None:
        self._sent: dict[int, int] = {}

    def sent(self, in_reply_to: int, offset: int, text: str) -> None:
        self._sent[in_reply_to] = max(self._sent.get(in_reply_to, 0), offset + len(text))

    def unsent(self, in_reply_to: int, offset: int, text: str) -> tuple[int, str] | None:
        """The part of a piece not sent yet, as (offset, text), or None if all of it was."""
        already = self._sent.get(in_reply_to, 0)
        end = offset + len(text)
        if end <= already:
            return None
        if offset < already:
            text, offset = text[already - offset :], already
        self._sent[in_reply_to] = end
        return offset, text

    def ended(self, in_reply_to: int) -> None:
        self._sent.pop(in_reply_to, None)
