"""Regenerate docs/chat-metrics.csv: real per-stage samples of chat turns against `make run`.

    .venv/bin/python bench/chat_metrics_csv.py [--url URL] [--out docs/chat-metrics.csv]

Each scenario is one message sent as a browser sends it (X-Correlation-ID, socket open); the
stages are measured at the client: accept (POST → 202), typing (→ typing on), first_token
(→ first streamed piece) and reply (→ terminal event). Look any row up with
`python manage.py chat_trace <correlation_id>`.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from websockets.sync.client import connect

SCENARIOS = [
    ("small_talk", "hello there!"),
    ("long_rental", "2 bed flat in Kyrenia under £800 a month"),
    ("holiday_rental", "holiday villa in Esentepe for 4 people, max 180 per night"),
    ("rental_followup", "what about Lapta?"),
    ("car_hire", "rent a car in Famagusta for 5 days"),
    ("service", "need a plumber in Lefkosa"),
    ("general_info", "do they drive on the left?"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--out", default="docs/chat-metrics.csv")
    args = parser.parse_args()
    http = httpx.Client(base_url=args.url, timeout=30)
    token = http.post(
        "/api/auth/token/", json={"username": args.username, "password": args.password}
    ).json()["access"]
    http.headers["Authorization"] = f"Bearer {token}"
    thread_id = http.post("/api/chat/threads/", json={"title": "metrics"}).json()["thread_id"]
    rows = []
    with connect(f"ws://{urlsplit(args.url).netloc}/ws/chat/{thread_id}/?token={token}") as ws:
        json.loads(ws.recv())
        for scenario, message in SCENARIOS:
            rows += measure(http, ws, thread_id, scenario, message)
    with Path(args.out).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["scenario", "correlation_id", "stage", "duration_ms", "notes"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")


def measure(
    http: httpx.Client, ws: object, thread_id: str, scenario: str, message: str
) -> list[list[str]]:
    cid = str(uuid.uuid4())
    started = time.perf_counter()
    response = http.post(
        "/api/chat/",
        json={"message": message, "thread_id": thread_id},
        headers={"X-Correlation-ID": cid},
    )
    assert response.status_code == 202, response.text
    marks = {"accept": time.perf_counter()}
    note = ""
    while True:
        frame = json.loads(ws.recv(timeout=60))  # type: ignore[attr-defined]
        now = time.perf_counter()
        if frame["event"] == "typing" and frame["payload"]["value"]:
            marks.setdefault("typing", now)
        elif frame["event"] == "token":
            marks.setdefault("first_token", now)
        elif frame["event"] in ("assistant_message", "turn_failed"):
            marks["reply"] = now
            payload = frame["payload"]
            note = (
                f"{frame['event']}, agent {payload.get('agent')}, "
                f"{len(payload.get('recommendations', []))} cards"
            )
            break
    return [
        [scenario, cid, stage, f"{(moment - started) * 1000:.1f}", note]
        for stage, moment in marks.items()
    ]


if __name__ == "__main__":
    main()
