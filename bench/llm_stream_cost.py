"""What reading a streamed LLM reply costs the worker, per piece: the `openai` SDK against
server-sent events read directly with httpx and the provider's own reader (orjson).

    .venv/bin/python bench/llm_stream_cost.py [--replies 200] [--pieces 25] [--rounds 3]

All three read the same replies from the suite's OpenAI-compatible server on loopback, each in
turn, round after round. CPU is the reading thread's own (`time.thread_time`), so the server,
which runs in this process, does not count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import httpx
import openai
from openai.types.chat import ChatCompletionChunk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.providers.event_stream import completion_deltas
from tests.fake_llm import Behaviour, FakeLLM

MESSAGES: list[dict[str, str]] = [{"role": "user", "content": "a villa in Kyrenia"}]


def read_with_sdk(client: openai.OpenAI) -> int:
    pieces = 0
    stream = client.chat.completions.create(
        model="fake",
        messages=MESSAGES,  # type: ignore[arg-type]
        stream=True,
    )
    for chunk in cast("openai.Stream[ChatCompletionChunk]", stream):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces += 1
    return pieces


def read_lean(http: httpx.Client) -> int:
    body = {"model": "fake", "messages": MESSAGES, "stream": True}
    with http.stream("POST", "/chat/completions", json=body) as response:
        return _pieces(response.iter_lines())


def read_sdk_request_lean_parse(client: openai.OpenAI) -> int:
    """The SDK makes the request (auth, base URL, timeouts, error types); the events are read
    by the provider's own reader, as a turn reads them."""
    with client.chat.completions.with_streaming_response.create(
        model="fake",
        messages=MESSAGES,  # type: ignore[arg-type]
        stream=True,
    ) as response:
        return _pieces(response.iter_lines())


def _pieces(lines: Iterator[str]) -> int:
    return sum(1 for delta in completion_deltas(lines) if delta.get("content"))


def cpu_us_per_piece(read: Callable[[], int], replies: int) -> float:
    started, pieces = time.thread_time(), 0
    for _ in range(replies):
        pieces += read()
    return (time.thread_time() - started) * 1e6 / max(pieces, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--pieces", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with FakeLLM() as llm:
        llm.default = Behaviour(text=["word "] * args.pieces)
        sdk = openai.OpenAI(base_url=llm.base_url, api_key="bench", max_retries=0)
        lean = httpx.Client(base_url=llm.base_url, headers={"Authorization": "Bearer bench"})
        read_with_sdk(sdk), read_lean(lean), read_sdk_request_lean_parse(sdk)  # warm up
        readers: dict[str, Callable[[], int]] = {
            "openai SDK": lambda: read_with_sdk(sdk),
            "httpx + orjson": lambda: read_lean(lean),
            "SDK request, events read here": lambda: read_sdk_request_lean_parse(sdk),
        }
        results: dict[str, list[float]] = {name: [] for name in readers}
        for _ in range(args.rounds):
            for name, read in readers.items():
                results[name].append(cpu_us_per_piece(read, args.replies))
    print(f"{args.replies} replies of {args.pieces} pieces, {args.rounds} rounds each:")
    for name, values in results.items():
        each = ", ".join(f"{v:.1f}" for v in values)
        median = statistics.median(values)
        print(
            f"  {name:<30} CPU per piece {median:.1f} µs (rounds: {each}); "
            f"per reply {median * args.pieces / 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
