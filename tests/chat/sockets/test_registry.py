"""The registry of a process's open sockets, by thread (chat/sockets/registry.py)."""

from __future__ import annotations

from uuid import UUID, uuid4

from chat.sockets.registry import Registry
from chat.sockets.session import Session


async def _send(text: str) -> None:
    raise AssertionError("the registry sends nothing")


async def _close(code: int) -> None:
    raise AssertionError("the registry closes nothing")


def session_of(thread_key: str, user_id: int) -> Session:
    return Session(UUID(thread_key), user_id, _send, _close)


def test_it_tells_the_first_socket_of_a_thread_and_the_last_one_to_leave() -> None:
    registry = Registry()
    thread = str(uuid4())
    first, second = session_of(thread, 1), session_of(thread, 1)
    assert registry.add(first) is True
    assert registry.add(second) is False
    assert len(registry) == 2 and registry.thread_keys() == [thread]
    assert registry.discard(first) is False  # the other still reads the thread
    assert registry.discard(second) is True
    assert len(registry) == 0 and registry.thread_keys() == []
    assert registry.of_thread(thread) == set()


def test_discarding_a_socket_it_does_not_hold_changes_nothing() -> None:
    registry = Registry()
    thread = str(uuid4())
    held, stranger = session_of(thread, 1), session_of(thread, 1)
    registry.add(held)
    assert registry.discard(stranger) is False
    assert registry.discard(session_of(str(uuid4()), 1)) is False
    assert registry.of_thread(thread) == {held}
    registry.discard(held)
    assert registry.discard(held) is False  # twice: still nothing


def test_it_finds_sockets_by_thread_and_by_user() -> None:
    registry = Registry()
    one, other = str(uuid4()), str(uuid4())
    a, b, c = session_of(one, 1), session_of(one, 2), session_of(other, 1)
    for session in (a, b, c):
        registry.add(session)
    assert registry.of_thread(one) == {a, b} and registry.of_thread(other) == {c}
    assert set(registry.of_user(1)) == {a, c} and registry.of_user(2) == [b]
    assert registry.of_user(3) == []
    assert set(registry.sessions()) == {a, b, c} and len(registry) == 3
    assert sorted(registry.thread_keys()) == sorted([one, other])
    # Adding the same socket again holds it once.
    assert registry.add(a) is False and len(registry) == 3
