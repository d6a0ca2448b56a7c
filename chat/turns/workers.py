"""Which workers are alive: each sends a heartbeat to Redis (a sorted set of worker name →
last beat), so the sweep knows whose running turns to requeue and /readyz whether any worker
answers, without a broadcast round trip."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

from easy_islanders.redis import redis_client

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "ei:workers:heartbeat"


def live_worker_names(max_age_secs: float | None = None) -> set[str]:
    """Workers that sent a heartbeat within `max_age_secs` (three beats unless told)."""
    if max_age_secs is None:
        max_age_secs = settings.WORKER_HEARTBEAT_SECS * 3
    names = redis_client().zrangebyscore(HEARTBEAT_KEY, time.time() - max_age_secs, "+inf")
    return {str(name) for name in names}


class Heartbeat:
    """One worker's beat, from a daemon thread, until `stop` (which takes its name off)."""

    def __init__(self, hostname: str) -> None:
        self.hostname = hostname
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()
        logger.info("worker_ready", extra={"hostname": self.hostname})

    def stop(self) -> None:
        self._stopped.set()
        # A beat on its way would otherwise land after the name is taken off.
        self._thread.join(timeout=2)
        try:
            redis_client().zrem(HEARTBEAT_KEY, self.hostname)
        except Exception as exc:
            logger.warning("worker_heartbeat_failed", extra={"error": type(exc).__name__})

    def _beat(self) -> None:
        while not self._stopped.is_set():
            try:
                redis_client().zadd(HEARTBEAT_KEY, {self.hostname: time.time()})
            except Exception as exc:
                logger.warning("worker_heartbeat_failed", extra={"error": type(exc).__name__})
            self._stopped.wait(settings.WORKER_HEARTBEAT_SECS)
