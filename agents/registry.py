"""Which agent answers turns in this process."""

from __future__ import annotations

from functools import cache

from agents.base import Agent
from agents.echo import EchoAgent


@cache
def supervisor_agent() -> Agent:
    return EchoAgent()
