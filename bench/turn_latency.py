"""Per-turn latency at one client against a running stack (`make run`), as a browser sees it.

    .venv/bin/python bench/turn_latency.py [--url http://127.0.0.1:8000] [--turns 100]

For each turn, one after the other on one thread with its socket open: the time from sending
`POST /api/chat/` to its 202, to the `typing: true` frame, and to the `assistant_message` frame.
Prints p50/p95/p99 in milliseconds. The client runs on the same machine as the stack.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from urllib.parse import urlsplit

import httpx
from websockets.sync.client import connect


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()

    http = httpx.Client(base_url=args.url, timeout=30)
    login = {"username": args.username, "password": args.password}
    token = http.post("/api/auth/token/", json=login).json()["access"]
    http.headers["Authorization"] = f"Bearer {token}"
    thread_id = http.post("/api/chat/threads/", json={"title": "latency"}).json()["thread_id"]
    host = urlsplit(args.url).netloc
    samples: dict[str, list[float]] = {"202": [], "typing": [], "reply": []}
    with connect(f"ws://{host}/ws/chat/{thread_id}/?token={token}") as ws:
        json.loads(ws.recv())  # connected
        for i in range(args.turns):
            started = time.perf_counter()
            response = http.post(
                "/api/chat/", json={"message": f"hello {i}", "thread_id": thread_id}
            )
            assert response.status_code == 202, response.text
            samples["202"].append(time.perf_counter() - started)
            while True:
                frame = json.loads(ws.recv(timeout=30))
                elapsed = time.perf_counter() - started
                if frame["event"] == "typing" and frame["payload"]["value"]:
                    samples["typing"].append(elapsed)
                elif frame["event"] in ("assistant_message", "turn_failed"):
                    samples["reply"].append(elapsed)
                    break
    print(f"{args.turns} turns, 1 client, {args.url}")
    print(f"{'stage':<8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for stage, values in samples.items():
        ms = [v * 1000 for v in values]
        p50, p95, p99 = (percentile(ms, q) for q in (50, 95, 99))
        print(f"{stage:<8} {p50:8.1f} {p95:8.1f} {p99:8.1f}")


if __name__ == "__main__":
    main()
