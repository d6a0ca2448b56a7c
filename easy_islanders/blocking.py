"""Blocking work from an event loop (the ORM, the local agent's language analysis): on the
loop's executor threads, each giving its database connection back to the pool when done
(Django's pool takes a "closed" connection back)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import close_old_connections

P = ParamSpec("P")
T = TypeVar("T")


async def in_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await asyncio.get_running_loop().run_in_executor(
        None, functools.partial(_giving_back_connection, fn, *args, **kwargs)
    )


def _giving_back_connection(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    try:
        return fn(*args, **kwargs)
    finally:
        close_old_connections()
