"""What reading a streamed LLM reply costs the worker, per piece: the `openai` SDK against
server-sent events read directly with httpx and the provider's own reader (orjson).

    .venv/bin/python bench/llm_stream_cost.py [--replies 200] [--pieces 25] [--rounds 3]

All three read the same replies from the suite's OpenAI-compatible server on loopback, each in
turn, round after round, on an event loop as a worker's turns do (the SDK's async client).
CPU is the loop thread's own (`time.thread_time`), so the server, which runs in this process
on threads of its own, does not count.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import cast

import httpx
import openai
from openai.types.chat import ChatCompletionChunk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.providers.event_stream import completion_deltas
from tests.fake_llm import Behaviour, FakeLLM

MESSAGES: list[dict[str, str]] = [{"role": "user", "content": "a villa in Kyrenia"}]


async def read_with_sdk(client: openai.AsyncOpenAI) -> int:
    pieces = 0
    stream = await client.chat.completions.create(
        model="fake",
        messages=MESSAGES,  # type: ignore[arg-type]
        stream=True,
    )
    async for chunk in cast("openai.AsyncStream[ChatCompletionChunk]", stream):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces += 1
    return pieces


async def read_lean(http: httpx.AsyncClient) -> int:
    body = {"model": "fake", "messages": MESSAGES, "stream": True}
    async with http.stream("POST", "/chat/completions", json=body) as response:
        return await _pieces(response.aiter_lines())


async def read_sdk_request_lean_parse(client: openai.AsyncOpenAI) -> int:
    """The SDK makes the request (auth, base URL, timeouts, error types); the events are read
    by the provider's own reader, as a turn reads them."""
    async with client.chat.completions.with_streaming_response.create(
        model="fake",
        messages=MESSAGES,  # type: ignore[arg-type]
        stream=True,
    ) as response:
        return await _pieces(response.iter_lines())


async def _pieces(lines: AsyncIterator[str]) -> int:
    return sum([1 async for delta in completion_deltas(lines) if delta.get("content")])


async def cpu_us_per_piece(read: Callable[[], Awaitable[int]], replies: int) -> float:
    started, pieces = time.thread_time(), 0
    for _ in range(replies):
        pieces += await read()
    return (time.thread_time() - started) * 1e6 / max(pieces, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--pieces", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with FakeLLM() as llm:
        llm.default = Behaviour(text=["word "] * args.pieces)
        results = asyncio.run(_measure(llm.base_url, args.replies, args.rounds))
    print(f"{args.replies} replies of {args.pieces} pieces, {args.rounds} rounds each:")
    for name, values in results.items():
        each = ", ".join(f"{v:.1f}" for v in values)
        median = statistics.median(values)
        print(
            f"  {name:<30} CPU per piece {median:.1f} µs (rounds: {each}); "
            f"per reply {median * args.pieces / 1000:.2f} ms"
        )


async def _measure(base_url: str, replies: int, rounds: int) -> dict[str, list[float]]:
    sdk = openai.AsyncOpenAI(base_url=base_url, api_key="bench", max_retries=0)
    lean = httpx.AsyncClient(base_url=base_url, headers={"Authorization": "Bearer bench"})
    readers: dict[str, Callable[[], Awaitable[int]]] = {
        "openai SDK": lambda: read_with_sdk(sdk),
        "httpx + orjson": lambda: read_lean(lean),
        "SDK request, events read here": lambda: read_sdk_request_lean_parse(sdk),
    }
    for read in readers.values():
        await read()  # warm up
    results: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(rounds):
        for name, read in readers.items():
            results[name].append(await cpu_us_per_piece(read, replies))
    await sdk.close()
    await lean.aclose()
    return results


if __name__ == "__main__":
    main()
