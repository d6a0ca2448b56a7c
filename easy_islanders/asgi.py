"""The ASGI entry point: HTTP to Django, `/ws/...` to the chat socket."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "easy_islanders.settings")

import django

django.setup(set_prefix=False)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402
from easy_islanders.http import PooledASGIHandler  # noqa: E402
from observability.logging import configure_logging  # noqa: E402

configure_logging("api", settings.LOG_DIR, settings.LOG_LEVEL)

application = ProtocolTypeRouter(
    {
        "http": PooledASGIHandler(settings.WEB_THREADS),
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
