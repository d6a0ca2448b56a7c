"""The one way chat frames reach sockets: PUBLISH on the thread's Redis channel.

Each web process's hub (chat/sockets/hub.py) holds one pub/sub connection subscribed to the
threads it has sockets for and fans frames out to them. Publishing is at-most-once and may fail
(Redis down); that is fine because every durable event is already a row, and the hub brings
its sockets up to date from PostgreSQL after any break. So `publish` never raises.

Frames that travel with other commands in one round trip (the accept's broker hand-off, a
stream's text so far) are added to the caller's pipeline here, so every PUBLISH is made in
this module. The running reply's text so far lives here too: the worker appends to it with
each piece, and a socket that joins mid-stream reads it.

Control messages (a thread deleted, a user's account changed) go on one channel every hub
subscribes to.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal, TypedDict
from uuid import UUID

import orjson

from chat.events import Envelope
from easy_islanders.redis import async_redis_client, redis_client

logger = logging.getLogger(__name__)

THREAD_CHANNEL_PREFIX = "ei:chat:thread:"
CONTROL_CHANNEL = "ei:chat:control"

ControlKind = Literal["thread_deleted", "user_changed"]


class Control(TypedDict):
    kind: ControlKind
    id: str


def thread_channel(thread_id: str) -> str:
    return THREAD_CHANNEL_PREFIX + thread_id


def frame_text(envelope: Envelope) -> str:
    """The envelope as the JSON text sent on the wire (and published)."""
    try:
        return orjson.dumps(envelope).decode()
    except TypeError:  # text orjson refuses (a lone surrogate): stdlib writes it as \udXXX,
        # valid JSON that Redis can carry (unescaped, it could not be encoded as UTF-8).
        return json.dumps(envelope, separators=(",", ":"))


def publish(envelope: Envelope) -> None:
    """Send a frame to every socket of its thread, from sync code. Logs and returns on failure."""
    try:
        redis_client().publish(thread_channel(envelope["thread_id"]), frame_text(envelope))
    except Exception as exc:
        _failed(envelope, exc)


async def publish_async(envelope: Envelope) -> None:
    """`publish` from an event loop."""
    try:
        await async_redis_client().publish(
            thread_channel(envelope["thread_id"]), frame_text(envelope)
        )
    except Exception as exc:
        _failed(envelope, exc)


def publish_in(pipe: Any, envelope: Envelope) -> None:
    """Add the frame's PUBLISH to a Redis pipeline the caller executes (and handles errors of)."""
    pipe.publish(thread_channel(envelope["thread_id"]), frame_text(envelope))


def inflight_key(turn_id: UUID | str, attempt: int) -> str:
    # Per attempt: a re-driven turn starts its text again, under a key of its own.
    return f"ei:turn:text:{turn_id}:{attempt}"


def stream_piece_in(pipe: Any, frame: Envelope, attempt_key: str, ttl_secs: int | None) -> None:
    """Add a stream piece to a pipeline: its text onto the text so far, then its frame. In that
    order, so a socket joining in between reads the text and trims the frame. The first piece
    gives the text its expiry (`ttl_secs`); the others pass None."""
    pipe.append(attempt_key, frame["payload"]["text"])
    if ttl_secs is not None:
        pipe.expire(attempt_key, ttl_secs)
    publish_in(pipe, frame)


async def inflight_text(turn_id: UUID | str, attempt: int) -> str:
    """The text generated so far by a running turn's attempt ("" when none or unknown)."""
    try:
        value = await async_redis_client().get(inflight_key(turn_id, attempt))
    except Exception as exc:
        logger.warning("inflight_read_failed", extra={"error": type(exc).__name__})
        return ""
    return str(value or "")


def publish_control(kind: ControlKind, id_: Any) -> None:
    """Tell every web process's hub about a change it must act on (best effort)."""
    control: Control = {"kind": kind, "id": str(id_)}
    try:
        redis_client().publish(CONTROL_CHANNEL, json.dumps(control))
    except Exception as exc:
        logger.warning("publish_failed", extra={"frame": kind, "error": type(exc).__name__})


def _failed(envelope: Envelope, exc: Exception) -> None:
    logger.warning(
        "publish_failed",
        extra={
            "frame": envelope["event"],
            "seq": envelope["seq"],
            "thread_id": envelope["thread_id"],
            "error": type(exc).__name__,
        },
    )
