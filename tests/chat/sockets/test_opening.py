"""Opening a socket (chat/sockets/opening.py): who may, and what it replays on (re)connect."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from chat.errors import ThreadForbidden, ThreadNotFound
from chat.models import Turn
from chat.sockets.opening import SocketOpening, socket_open
from chat.threads import thread_create
from chat.turns.lifecycle import turn_claim
from tests.chat.sockets.support import Person, accept, run


@pytest.fixture
def three(person: Person) -> uuid.UUID:
    """A thread of `person` with three durable events."""
    thread = thread_create(person.id)
    for text in ["one", "two", "three"]:
        accept(person, thread.pk, text)
    return thread.pk


def opened(person: Person, thread_id: uuid.UUID, last_seq: int | None) -> SocketOpening:
    async def scenario() -> SocketOpening:
        return await socket_open(person.id, thread_id, last_seq)

    return run(scenario)


def test_without_last_seq_it_replays_nothing_and_starts_at_the_head(
    person: Person, three: uuid.UUID
) -> None:
    opening = opened(person, three, None)
    assert (opening.state.owner_id, opening.state.head_seq) == (person.id, 3)
    assert opening.replay == [] and opening.resumed_from is None
    assert opening.resync_required is False and opening.delivered_before_replay == 3
    assert opening.state.running is None  # its turns are queued, none runs


@pytest.mark.parametrize(("last_seq", "replayed"), [(0, [1, 2, 3]), (1, [2, 3]), (3, [])])
def test_it_replays_every_event_after_last_seq_in_order(
    person: Person, three: uuid.UUID, last_seq: int, replayed: list[int]
) -> None:
    opening = opened(person, three, last_seq)
    assert [event["seq"] for event in opening.replay] == replayed
    assert all(event["thread_id"] == str(three) for event in opening.replay)
    assert opening.resumed_from == last_seq and opening.resync_required is False
    # The cursor starts where the replay takes over: it then ends at the head.
    assert opening.delivered_before_replay == last_seq


@pytest.mark.parametrize("last_seq", [4, 1000])
def test_a_last_seq_ahead_of_the_head_requires_a_resync(
    person: Person, three: uuid.UUID, last_seq: int
) -> None:
    opening = opened(person, three, last_seq)
    assert opening.resync_required is True and opening.replay == []
    assert opening.resumed_from == last_seq and opening.delivered_before_replay == 3


@pytest.mark.parametrize(("last_seq", "resync"), [(0, True), (1, False)])
def test_more_missed_than_the_replay_bound_requires_a_resync(
    person: Person, three: uuid.UUID, settings: Any, last_seq: int, resync: bool
) -> None:
    settings.CHAT_REPLAY_MAX_EVENTS = 2
    opening = opened(person, three, last_seq)
    assert opening.resync_required is resync
    assert [event["seq"] for event in opening.replay] == ([] if resync else [2, 3])


def test_it_reads_the_running_turn(person: Person, three: uuid.UUID) -> None:
    turn = Turn.objects.get(thread_id=three, seq=1)
    assert turn_claim(turn.pk, "sockets-test-worker") is not None
    running = opened(person, three, 3).state.running
    assert running is not None
    assert (running.id, running.seq, running.correlation_id) == (
        turn.pk,
        1,
        turn.correlation_id,
    )


def test_another_users_thread_is_forbidden(
    make_person: Callable[[], Person], three: uuid.UUID
) -> None:
    with pytest.raises(ThreadForbidden):
        opened(make_person(), three, None)


def test_an_unknown_thread_is_not_found(person: Person) -> None:
    with pytest.raises(ThreadNotFound):
        opened(person, uuid.uuid4(), 0)
