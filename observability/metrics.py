"""Prometheus metrics of the chat flow, shared by web and worker processes.

Every process writes its samples to PROMETHEUS_MULTIPROC_DIR (set from METRICS_DIR in the
settings, before this module is imported); `/metrics` on any web process merges them and adds
what is read at scrape time: the broker's queue depth, the oldest waiting turn, live workers.
No label is unbounded: never a thread, user or turn id.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram

_LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    60,
    120,
)

TURNS = Counter("chat_turns", "Chat turns that ended, by outcome.", ["outcome"])
TURN_STAGE = Histogram(
    "chat_turn_stage_seconds",
    "Time spent in each stage of a chat turn: accept (HTTP accept), queue_wait (accepted to "
    "claimed), first_token (claimed to first streamed piece), total (accepted to terminal "
    "event stored), deliver (terminal event published to sockets).",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
)
WS_CONNECTIONS = Gauge("chat_ws_connections", "Open chat WebSockets.", multiprocess_mode="livesum")
WS_CLOSES = Counter("chat_ws_closes", "Chat WebSockets closed, by close code.", ["code"])
LLM_REQUESTS = Counter(
    "chat_llm_requests", "Requests to the LLM provider, by outcome.", ["provider", "outcome"]
)
LLM_LATENCY = Histogram(
    "chat_llm_latency_seconds",
    "LLM request latency: first_piece (request to first streamed chunk) and total.",
    ["provider", "phase"],
    buckets=_LATENCY_BUCKETS,
)
DB_SLOW_QUERIES = Counter("chat_db_slow_queries", "SQL statements slower than SLOW_QUERY_MS.")
DB_ERRORS = Counter(
    "chat_db_errors",
    "Hot-path statements that failed to reach PostgreSQL, by error (a retry may follow).",
    ["error"],
)
DB_RETRIES = Counter("chat_db_retries", "Hot-path statements run again on a fresh connection.")
DB_POOL_WAIT = Histogram(
    "chat_db_pool_wait_seconds",
    "Time a hot-path statement waited for a pooled PostgreSQL connection.",
    buckets=(0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


@contextmanager
def stage_timer(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        TURN_STAGE.labels(stage).observe(time.perf_counter() - started)
