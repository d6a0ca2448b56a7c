"""The turn task the event loop puts on the broker is the one Celery's send_task would."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import redis
from django.conf import settings

from chat.admission import ENQUEUED_AT_HEADER
from chat.turns.queueing import RUN_TURN_TASK, turn_task_message
from easy_islanders.celery import app as celery_app
from observability.celery import CORRELATION_HEADER

# Made afresh for each message (ids, the time it was queued), or naming the sending process.
VARYING = {
    "id",
    "root_id",
    "correlation_id",
    "delivery_tag",
    "origin",
    "reply_to",
    ENQUEUED_AT_HEADER,
}


def without_varying(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_varying(v) for k, v in value.items() if k not in VARYING}
    return value


def test_the_loops_task_message_is_celerys() -> None:
    queue = f"test-queue-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(settings.REDIS_URL)
    turn_id = uuid.uuid4()
    try:
        headers = {CORRELATION_HEADER: "cid", ENQUEUED_AT_HEADER: time.time()}
        celery_app.send_task(RUN_TURN_TASK, args=[str(turn_id)], headers=headers, queue=queue)
        (celerys,) = [json.loads(item) for item in broker.lrange(queue, 0, -1)]
    finally:
        broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    ours = json.loads(turn_task_message(turn_id, "cid", queue))
    assert without_varying(ours) == without_varying(celerys)
    assert base64.b64decode(ours["body"]) == base64.b64decode(celerys["body"])
    assert ours["headers"]["id"] == ours["properties"]["correlation_id"]
    assert ours["headers"][CORRELATION_HEADER] == "cid"
    assert abs(ours["headers"][ENQUEUED_AT_HEADER] - time.time()) < 5
