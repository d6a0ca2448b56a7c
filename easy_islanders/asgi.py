"""The ASGI entry point and the web process's composition root: HTTP to Django, but for the
message accept (chat/api/accept.py); sockets to this process's socket node
(chat/sockets/node.py), made here with the one domain command a socket may give."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "easy_islanders.settings")

import django

django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from chat.api.accept import accept_message, served_on_loop  # noqa: E402
from chat.sockets.node import SocketNode  # noqa: E402
from chat.turns.lifecycle import turn_cancel  # noqa: E402
from easy_islanders.asgi_types import Receive, Scope, Send  # noqa: E402
from easy_islanders.http import PooledASGIHandler  # noqa: E402
from observability.logging import configure_logging  # noqa: E402

configure_logging("api", settings.LOG_DIR, settings.LOG_LEVEL)

http = PooledASGIHandler(settings.WEB_THREADS)
sockets = SocketNode(cancel=turn_cancel)


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await sockets(scope, receive, send)
    elif scope["type"] == "http":
        if served_on_loop(scope):
            await accept_message(scope, receive, send)
        else:
            await http(scope, receive, send)
