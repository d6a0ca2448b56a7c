"""Idle keep-alive connections: closed by the web process only after WEB_KEEP_ALIVE_SECS, which
is longer than the idle time of the proxies and clients in front of it."""

from __future__ import annotations

import http.client
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from tests.integration.conftest import another_web

PROXY_IDLE_SECS = 60  # nginx's keepalive_timeout and the usual load balancer idle timeout


def test_the_web_process_outlasts_the_proxies_in_front() -> None:
    # A server that closes an idle connection first races the client's next request on it.
    assert settings.WEB_KEEP_ALIVE_SECS > PROXY_IDLE_SECS


def test_an_idle_connection_serves_again_until_its_keep_alive_ends(
    django_db_blocker: Any, tmp_path: Path
) -> None:
    with another_web(django_db_blocker, tmp_path, "keep-alive", WEB_KEEP_ALIVE_SECS="2") as url:
        conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=5)
        try:
            for idle_secs in (0, 1):  # the second request after an idle second, within it
                time.sleep(idle_secs)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                assert response.status == 200
            used = conn.sock
            time.sleep(3)  # idle past the keep-alive: the server has closed the connection
            assert used is conn.sock and conn.sock.recv(1) == b""
        finally:
            conn.close()
