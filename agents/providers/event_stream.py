"""The chat-completions event stream as OpenAI-compatible servers send it (server-sent events,
one JSON chunk per `data:` line, `[DONE]` at the end), read with orjson: a quarter of the CPU
per piece of the SDK's chunk objects (bench/llm_stream_cost.py, docs/performance.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson


async def completion_deltas(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """The first choice's delta of each chunk of a chat-completions event stream. Raises
    ValueError (orjson's) on an event that is not JSON."""
    async for line in lines:
        if not line.startswith("data:"):
            continue  # blank separators, comments, other fields
        data = line[5:].removeprefix(" ")
        if data == "[DONE]":
            return
        choices = orjson.loads(data).get("choices")
        if choices:
            yield choices[0].get("delta") or {}
