"""Django's HTTP side under ASGI, run the way WSGI runs it: each request on one pooled thread.

Django's own ASGI handler opens a `ThreadSensitiveContext` per request, so asgiref starts a new
thread for every request; the thread-local database and cache connections are then set up again
each time, and a sync-only middleware (WhiteNoise) adds two more hops between the event loop and
that thread. Profiled under uvicorn, that cost ~8–12 ms of a 25 ms message accept (see
docs/performance.md). Here the event loop reads the body and writes the response; everything in
between (signals, middleware, view) runs on one of a fixed set of long-lived threads.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpResponseBase, JsonResponse
from django.urls import set_script_prefix

from easy_islanders.asgi_types import Scope
from easy_islanders.errors import error_body


def _body_timeout_response() -> HttpResponseBase:
    return JsonResponse(
        error_body("request_timeout", "The request body did not arrive in time."), status=408
    )


class PooledASGIHandler(ASGIHandler):
    def __init__(self, threads: int) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="http")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django serves HTTP here, not {scope['type']}.")
        try:
            body_file = await asyncio.wait_for(
                self.read_body(receive), settings.HTTP_BODY_TIMEOUT_SECS
            )
        except RequestAborted:
            return
        except TimeoutError:
            await self.send_response(_body_timeout_response(), send)
            return
        try:
            response = await self._in_thread(self._respond, scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                if response.streaming:
                    await self._in_thread(response.close)
        finally:
            body_file.close()

    async def _in_thread(self, function: Any, *args: Any) -> Any:
        # Not in a copy of the loop's context: each thread keeps a context of its own across
        # requests, as WSGI threads do, so Django's context-local objects (the cache client and
        # its Redis connections) are made once per thread, not once per request.
        return await asyncio.get_running_loop().run_in_executor(self._threads, function, *args)

    def _respond(self, scope: Scope, body_file: Any) -> HttpResponseBase:
        """The whole request on this thread, as under WSGI: started, response, finished."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None
            response = error_response
        else:
            response = self.get_response(request)
        if not response.streaming:
            # Closing fires request_finished, which returns this thread's database connection.
            # A streamed response (a static file) is closed once it has been sent.
            response.close()
        return response
