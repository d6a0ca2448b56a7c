"""What one socket has been sent of its thread's durable events, and what to do next.

A socket joins the thread's group first, then replays from PostgreSQL, then takes live frames:
live frames it already replayed are dropped, and a live frame past a gap (the channel layer is
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
