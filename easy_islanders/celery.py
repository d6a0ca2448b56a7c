"""The Celery app: one queue of chat turns.

A turn mostly waits on the network (the LLM). Each delivery comes to one of the worker's pool
threads, which hands the turn to the process's turn loop and waits for it there
(chat/turns/loop.py): a thousand turns in flight are a thousand coroutines on one event loop,
and a task is acknowledged only once its turn has ended.
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
