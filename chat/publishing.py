"""The one way chat frames reach sockets: PUBLISH on the thread's Redis channel.

Each web process's hub (chat/hub.py) holds one pub/sub connection subscribed to the threads
it has sockets for and fans frames out to them. Publishing is at-most-once and may fail
(Redis down); that is fine because every durable event is already a row, and the hub brings
its sockets up to date from PostgreSQL after any break. So publishing never raises.

Control messages (a thread deleted, a user's account changed) go on one channel every hub
subscribes to.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal, TypedDict

import orjson

from chat.envelopes import Envelope
from easy_islanders.redis import redis_client

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
    except TypeError:  # text orjson refuses (a lone surrogate from a provider): stdlib escapes it
        return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def publish(envelope: Envelope) -> None:
    """Send a frame to every socket of its thread, from sync code. Logs and returns on failure."""
    try:
        redis_client().publish(thread_channel(envelope["thread_id"]), frame_text(envelope))
    except Exception as exc:
        _failed(envelope, exc)


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
