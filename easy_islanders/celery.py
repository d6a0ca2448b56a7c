"""The Celery app: one queue of chat turns, run on a thread pool.

A turn mostly waits on the network (the LLM), so a pool of threads keeps hundreds of turns in
flight per worker host where a process per turn would cap them at the number of cores.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "easy_islanders.settings")

app = Celery("easy_islanders")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["chat"])


@setup_logging.connect
def _configure_worker_logging(**_: Any) -> None:
    from django.conf import settings

    from observability.logging import configure_logging

    configure_logging("celery", settings.LOG_DIR, settings.LOG_LEVEL)


import observability.celery  # noqa: E402,F401 - connects the worker's signal handlers
