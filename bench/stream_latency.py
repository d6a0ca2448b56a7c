"""Added latency per streamed piece, LLM → browser, through the real stack.

    .venv/bin/python bench/stream_latency.py [--turns 20] [--pieces 40] [--gap-ms 20]

Starts a system of its own (a fresh PostgreSQL database, a private Redis, one web process, one
worker) with the suite's OpenAI-compatible server as the LLM, which stamps each piece with
the moment it sends it. A WebSocket client notes when each piece arrives; the difference is
what the system adds to a piece (SDK parsing, worker, Redis, web process, socket). Client,
server and system share this machine's two cores.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fake_llm import Behaviour, FakeLLM
from tests.faults.system import (
    RedisServer,
    System,
    create_database,
    drop_database,
    system_env,
)

_STAMP = re.compile(r"\[(\d+\.\d+)\] ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--pieces", type=int, default=40)
    parser.add_argument("--gap-ms", type=float, default=20)
    args = parser.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="stream-latency-"))
    database = "bench_stream_latency"
    llm = FakeLLM().start()
    llm.default = Behaviour(
        text=[""] * args.pieces, piece_delay_secs=args.gap_ms / 1000, timestamped=True
    )
    redis = RedisServer(log_dir)
    redis.start()
    system = System(
        system_env(
            log_dir,
            create_database(database),
            redis.url,
            LLM_BASE_URL=llm.base_url,
            LLM_API_KEY="bench",
        ),
        log_dir,
        redis,
    )
    try:
        token = system.bootstrap("bench")
        system.start_web()
        system.start_worker()
        system.wait_ready()
        added_ms = measure(system, token, args.turns)
    finally:
        system.stop()
        llm.stop()
        drop_database(database)
    added_ms.sort()
    q = statistics.quantiles(added_ms, n=100, method="inclusive")
    print(f"{len(added_ms)} pieces in {args.turns} turns, one every {args.gap_ms:g} ms")
    print(
        f"added latency per piece (ms): p50 {q[49]:.2f}  p95 {q[94]:.2f}  p99 {q[98]:.2f}  "
        f"max {added_ms[-1]:.2f}"
    )


def measure(system: System, token: str, turns: int) -> list[float]:
    host = system.hosts[0]
    headers = {"Authorization": f"Bearer {token}"}
    thread_id = system.new_thread(token)
    added: list[float] = []
    with connect(f"ws://{host}/ws/chat/{thread_id}/?token={token}") as ws:
        json.loads(ws.recv())
        for i in range(turns):
            response = httpx.post(
                f"http://{host}/api/chat/",
                headers=headers,
                json={"message": f"stream {i}", "thread_id": thread_id},
            )
            assert response.status_code == 202, response.text
            while True:
                frame = json.loads(ws.recv(timeout=30))
                arrived = time.time()
                if frame["event"] == "token":
                    added += [
                        (arrived - float(sent)) * 1000
                        for sent in _STAMP.findall(frame["payload"]["text"])
                    ]
                elif frame["event"] in ("assistant_message", "turn_failed"):
                    break
    return added


if __name__ == "__main__":
    main()
