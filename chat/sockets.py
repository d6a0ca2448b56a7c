"""The domain side of a chat socket: who may open it, and what it replays on (re)connect."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings

from accounts.tokens import TokenIdentity, access_token_identity
from chat.envelopes import Envelope, durable_envelope
from chat.history import events_after
from chat.models import Thread, Turn, TurnState
from chat.threads import thread_access


@dataclass(frozen=True)
class SocketOpening:
    identity: TokenIdentity
    thread: Thread
    head_seq: int
    # Sent in order right after `connected`: every durable event after `resumed_from`.
    replay: list[Envelope]
    resumed_from: int | None
    resync_required: bool
    typing_in_reply_to: int | None

    @property
    def delivered_before_replay(self) -> int:
        """Where the socket's delivery cursor starts; the replay then brings it to head_seq."""
        return self.head_seq - len(self.replay)


def socket_open(token: str | None, thread_id: str, last_seq: int | None) -> SocketOpening:
    """Authenticate and authorize, then read what to replay.

    Raises TokenRejected, ThreadForbidden or ThreadNotFound. Call after joining the thread's
    group, so nothing committed after this read can be missed.
    """
    identity = access_token_identity(token)
    thread = thread_access(identity.user_id, thread_id)
    head_seq = Thread.objects.values_list("head_seq", flat=True).get(pk=thread.pk)
    replay: list[Envelope] = []
    resync = False
    if last_seq is not None:
        missed = head_seq - last_seq
        if missed < 0 or missed > settings.CHAT_REPLAY_MAX_EVENTS:
            resync = True
        else:
            replay = [durable_envelope(e) for e in events_after(thread.pk, last_seq, missed)]
    running = (
        Turn.objects.filter(thread_id=thread.pk, state=TurnState.RUNNING)
        .values_list("seq", flat=True)
        .first()
    )
    return SocketOpening(
        identity=identity,
        thread=thread,
        head_seq=head_seq,
        replay=replay,
        resumed_from=last_seq,
        resync_required=resync,
        typing_in_reply_to=running,
    )


def catch_up(thread_id: str, after_seq: int, up_to_seq: int) -> list[Envelope]:
    """The durable events after `after_seq` up to `up_to_seq`, to fill a gap in live frames."""
    events = events_after(UUID(thread_id), after_seq, up_to_seq - after_seq)
    return [durable_envelope(e) for e in events]
