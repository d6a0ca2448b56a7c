"""A socket's credentials running out (chat/sockets/expiry.py): `token_expiring` ahead of the
expiry, 4401 at it, and an in-band renewal that postpones both. On a session with a recording
transport (timers of a fraction of a second), then end to end through the ASGI app."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from accounts.tokens import access_token_issue
from chat.events import iso_utc, status_envelope
from chat.history import ThreadState
from chat.sockets import closes
from chat.sockets.expiry import TokenExpiry
from chat.sockets.node import SocketNode
from chat.sockets.opening import SocketOpening
from chat.sockets.session import Session
from chat.threads import thread_create
from chat.turns.lifecycle import turn_cancel
from tests.chat.sockets.support import Person, open_connected, run


class Wire:
    def __init__(self) -> None:
        self.frames: list[tuple[float, dict[str, Any]]] = []
        self.closes: list[tuple[float, int]] = []

    async def send_text(self, text: str) -> None:
        self.frames.append((time.monotonic(), json.loads(text)))

    async def close(self, code: int) -> None:
        self.closes.append((time.monotonic(), code))


async def ready_session(wire: Wire) -> Session:
    """A started session (at the head of an empty thread); its `connected` is not recorded."""
    session = Session(uuid4(), 1, wire.send_text, wire.close)
    opening = SocketOpening(ThreadState(1, 0, None), [], None, False)
    await session.start(opening, status_envelope(session.thread_key, "connected", {}))
    wire.frames.clear()
    return session


def in_secs(secs: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=secs)


def test_it_warns_ahead_of_expiry_then_closes_4401(settings: Any) -> None:
    settings.CHAT_TOKEN_EXPIRING_LEAD_SECS = 0.3

    async def scenario() -> tuple[float, Wire, datetime]:
        wire = Wire()
        session = await ready_session(wire)
        expiry, expires_at = TokenExpiry(session), in_secs(0.6)
        start = time.monotonic()
        expiry.renew(expires_at)
        async with asyncio.timeout(3):
            while not wire.closes:
                await asyncio.sleep(0.01)
        expiry.cancel()
        return start, wire, expires_at

    start, wire, expires_at = run(scenario)
    [(warned_at, warning)] = wire.frames
    assert (warning["event"], warning["payload"]) == (
        "token_expiring",
        {"token_expires_at": iso_utc(expires_at)},
    )
    [(closed_at, code)] = wire.closes
    assert code == closes.UNAUTHORIZED
    assert 0.2 <= warned_at - start < 0.5  # the lead ahead of the expiry
    assert 0.55 <= closed_at - start < 1.0 and closed_at > warned_at


def test_the_lead_is_at_most_half_the_tokens_remaining_life(settings: Any) -> None:
    settings.CHAT_TOKEN_EXPIRING_LEAD_SECS = 60  # far longer than the token lives

    async def scenario() -> tuple[float, Wire]:
        wire = Wire()
        session = await ready_session(wire)
        expiry = TokenExpiry(session)
        start = time.monotonic()
        expiry.renew(in_secs(0.6))
        async with asyncio.timeout(3):
            while not wire.closes:
                await asyncio.sleep(0.01)
        return start, wire

    start, wire = run(scenario)
    [(warned_at, _)] = wire.frames
    assert 0.2 <= warned_at - start < 0.5  # at half its life, not at once


def test_a_renewal_postpones_the_warning_and_the_close(settings: Any) -> None:
    settings.CHAT_TOKEN_EXPIRING_LEAD_SECS = 0.2

    async def scenario() -> tuple[float, list[Any], list[Any], Wire]:
        wire = Wire()
        session = await ready_session(wire)
        expiry = TokenExpiry(session)
        start = time.monotonic()
        expiry.renew(in_secs(0.6))
        await asyncio.sleep(0.1)
        expiry.renew(in_secs(1.3))  # now expires at about 1.4 s
        await asyncio.sleep(0.75)  # past the first token's expiry (0.6 s)
        before = (list(wire.frames), list(wire.closes))
        async with asyncio.timeout(3):
            while not wire.closes:
                await asyncio.sleep(0.01)
        return start, *before, wire

    start, frames_before, closes_before, wire = run(scenario)
    assert frames_before == [] and closes_before == []
    [(warned_at, warning)] = wire.frames
    assert warning["event"] == "token_expiring"
    [(closed_at, code)] = wire.closes
    assert code == closes.UNAUTHORIZED and 1.3 <= closed_at - start < 2.0
    assert 0.95 <= warned_at - start < closed_at - start  # about 1.2 s, not 0.4 s


def test_a_cancelled_expiry_never_fires() -> None:
    async def scenario() -> Wire:
        wire = Wire()
        session = await ready_session(wire)
        expiry = TokenExpiry(session)
        expiry.renew(in_secs(0.2))
        expiry.cancel()
        await asyncio.sleep(0.35)
        return wire

    wire = run(scenario)
    assert wire.frames == [] and wire.closes == []


def test_a_socket_whose_token_expires_is_warned_then_closed_4401(
    person: Person, settings: Any
) -> None:
    settings.CHAT_TOKEN_EXPIRING_LEAD_SECS = 1
    thread = thread_create(person.id)
    token = access_token_issue(person.user, ttl_secs=2)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], int]:
        node = SocketNode(cancel=turn_cancel)
        socket, connected = await open_connected(node, thread.pk, token)
        expiring = await socket.frame(timeout=3)
        code = await socket.close_code(timeout=3)
        await socket.disconnect(code)
        return connected, expiring, code

    connected, expiring, code = run(scenario)
    expires_at = connected["payload"]["token_expires_at"]
    assert expiring["event"] == "token_expiring"
    assert expiring["payload"] == {"token_expires_at": expires_at}
    assert code == closes.UNAUTHORIZED


def test_an_auth_frame_renews_the_socket_in_place(make_person: Any, settings: Any) -> None:
    settings.CHAT_TOKEN_EXPIRING_LEAD_SECS = 1
    owner, outsider = make_person(), make_person()
    thread = thread_create(owner.id)
    short = access_token_issue(owner.user, ttl_secs=2)

    async def scenario() -> dict[str, Any]:
        node = SocketNode(cancel=turn_cancel)
        socket, connected = await open_connected(node, thread.pk, short)
        expiring = await socket.frame(timeout=3)
        assert expiring["event"] == "token_expiring"
        await socket.send({"type": "auth", "token": outsider.token})
        refused = await socket.frame()
        await socket.send({"type": "auth", "token": "garbage"})
        garbage = await socket.frame()
        await socket.send({"type": "auth", "token": access_token_issue(owner.user, 600)})
        renewed = await socket.frame()
        # Past the first token's expiry the socket is still open, and says nothing.
        quiet = await socket.nothing(2.1)
        await socket.send({"type": "ping"})
        pong = await socket.frame()
        await socket.disconnect()
        return {
            "connected": connected,
            "refused": refused,
            "garbage": garbage,
            "renewed": renewed,
            "quiet": quiet,
            "pong": pong,
        }

    seen = run(scenario)
    for refusal in (seen["refused"], seen["garbage"]):
        assert (refusal["type"], refusal["event"]) == ("chat_error", "auth_failed")
    renewed = seen["renewed"]
    assert renewed["event"] == "token_renewed"
    new_expiry = renewed["payload"]["token_expires_at"]
    assert new_expiry > seen["connected"]["payload"]["token_expires_at"]
    assert seen["quiet"] and seen["pong"]["event"] == "pong"
