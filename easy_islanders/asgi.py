"""The ASGI entry point: HTTP to Django, but for the message accept (chat/api/accept.py);
sockets to the chat socket (chat/socket_app.py)."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "easy_islanders.settings")

import django

django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from chat.api.accept import accept_message, served_on_loop  # noqa: E402
from chat.socket_app import chat_socket  # noqa: E402
from easy_islanders.http import PooledASGIHandler  # noqa: E402
from observability.logging import configure_logging  # noqa: E402

configure_logging("api", settings.LOG_DIR, settings.LOG_LEVEL)

http = PooledASGIHandler(settings.WEB_THREADS)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        await chat_socket(scope, receive, send)
    elif scope["type"] == "http":
        if served_on_loop(scope):
            await accept_message(scope, receive, send)
        else:
            await http(scope, receive, send)
