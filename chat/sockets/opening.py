"""Opening a chat socket: who may open it, and what it replays on (re)connect."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings

from chat.events import Envelope
from chat.history import ThreadState, events_after, thread_states
from chat.threads import thread_owner_check


@dataclass(frozen=True)
class SocketOpening:
    state: ThreadState
    # Sent in order right after `connected`: every durable event after `resumed_from`.
    replay: list[Envelope]
    resumed_from: int | None
    resync_required: bool

    @property
    def delivered_before_replay(self) -> int:
        """Where the socket's delivery cursor starts; the replay then brings it to head_seq."""
        return self.state.head_seq - len(self.replay)


async def socket_open(user_id: int, thread_id: UUID, last_seq: int | None) -> SocketOpening:
    """Authorize, then read what to replay. Raises ThreadForbidden or ThreadNotFound.

    Call after the socket's thread is subscribed, so nothing committed after this read can be
    missed."""
    state = (await thread_states([thread_id])).get(thread_id)
    thread_owner_check(state.owner_id if state else None, user_id)
    assert state is not None
    replay: list[Envelope] = []
    resync = False
    if last_seq is not None:
        missed = state.head_seq - last_seq
        if missed < 0 or missed > settings.CHAT_REPLAY_MAX_EVENTS:
            resync = True
        elif missed:
            replay = await events_after(thread_id, last_seq, missed)
    return SocketOpening(state=state, replay=replay, resumed_from=last_seq, resync_required=resync)
