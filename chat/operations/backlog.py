"""The chat backlog, read one way by Prometheus at scrape time and by `chat_doctor`: the
broker queue's depth (every priority list), the oldest accepted turn not yet claimed, and the
workers with a recent heartbeat."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from chat.admission import backlog
from chat.models import Turn, TurnState
from chat.turns.workers import live_worker_names

logger = logging.getLogger(__name__)


def oldest_queued_age_secs() -> float:
    """How long the oldest accepted turn not yet claimed has waited (0 when none waits)."""
    first = (
        Turn.objects.filter(state=TurnState.QUEUED)
        .order_by("queued_at")
        .values_list("queued_at", flat=True)
        .first()
    )
    return (timezone.now() - first).total_seconds() if first else 0.0


class BacklogCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        depth = GaugeMetricFamily(
            "chat_queue_depth", "Turns waiting in the broker queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "chat_queue_oldest_age_seconds",
            "Age of the oldest accepted turn not yet claimed by a worker.",
            labels=["queue"],
        )
        workers = GaugeMetricFamily("chat_workers_alive", "Celery workers with a recent heartbeat.")
        try:
            depth.add_metric([queue], backlog())
            workers.add_metric([], len(live_worker_names()))
        except Exception as exc:
            logger.warning("metrics_broker_unreadable", extra={"error": type(exc).__name__})
        oldest.add_metric([queue], oldest_queued_age_secs())
        yield from (depth, oldest, workers)
