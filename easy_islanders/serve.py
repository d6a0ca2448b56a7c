"""`python -m easy_islanders.serve`: uvicorn serving the ASGI app, closing sockets with 1001.

Uvicorn alone closes WebSockets with 1012 on shutdown; the contract promises 1001 (going
away), so on SIGTERM/SIGINT every chat socket of this process is closed with 1001 first.
"""

from __future__ import annotations

import argparse
import os
import socket

import uvicorn


class Server(uvicorn.Server):
    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Before uvicorn's own shutdown, which would close them with 1012.
        from easy_islanders.asgi import sockets as chat_sockets

        await chat_sockets.close_all()
        await super().shutdown(sockets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "easy_islanders.settings")
    from django.conf import settings

    config = uvicorn.Config(
        "easy_islanders.asgi:application",
        host=args.host,
        port=args.port,
        limit_concurrency=settings.WEB_MAX_CONNECTIONS,
        # Only the proxies named may say who the client is (a client's own header is ignored).
        proxy_headers=bool(settings.FORWARDED_ALLOW_IPS),
        forwarded_allow_ips=settings.FORWARDED_ALLOW_IPS,
        timeout_keep_alive=settings.WEB_KEEP_ALIVE_SECS,
        access_log=False,  # our middleware logs requests, without query strings
        log_config=None,  # logging is ours (observability.logging)
        ws_max_size=64 * 1024,
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=5,
        lifespan="off",
    )
    try:
        Server(config).run()
    finally:
        from prometheus_client import multiprocess

        # Its open-socket gauge no longer counts.
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
