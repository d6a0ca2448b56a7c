"""`make bench`: the chat system measured beside the floors of the machine it runs on.

Starts a system of its own (fresh PostgreSQL database, private Redis, one web process, one
worker; production settings, no debug), measures the floors (Redis PING, PostgreSQL insert, a
bare WebSocket echo, a trivial ASGI request), then drives real clients (HTTP + WebSocket)
against it. Writes bench/results/latest.json and latest.png and prints a table.

The load generator runs on the same two cores as the system it measures: every figure is
what the system does while sharing the machine with its clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
import redis
import websockets
from websockets.sync.client import connect as ws_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stream_latency import measure as measure_pieces  # noqa: E402
from tests.fake_llm import Behaviour, FakeLLM  # noqa: E402
from tests.faults.system import (  # noqa: E402
    RedisServer,
    System,
    create_database,
    drop_database,
    system_env,
)
from tests.integration.stack import answers, free_port, wait_until  # noqa: E402

DATABASE = "bench_easy_islanders"
RESULTS = ROOT / "bench" / "results"


def pct(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        values = values * 2 or [0.0, 0.0]
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(q[49], 2), "p95": round(q[94], 2), "p99": round(q[98], 2)}


def timed(action: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- Floors ----------------------------------------------------------------------------------


def floors(redis_url: str, database_url: str) -> dict[str, Any]:
    client = redis.Redis.from_url(redis_url)
    ping = pct(timed(client.ping, 2000))
    with psycopg.connect(
        database_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        # A logged table and autocommit: each insert waits for its WAL flush, as a stored chat
        # event does (a temporary table would skip the WAL and flatter the floor).
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute("CREATE TABLE bench_floor (id serial primary key, v text)")
        insert = pct(timed(lambda: conn.execute("INSERT INTO bench_floor (v) VALUES ('x')"), 1000))
        conn.execute("DROP TABLE bench_floor")
    echo = pct(_ws_echo_samples())
    asgi = pct(_asgi_samples())
    turn_floor = asgi["p50"] + 2 * insert["p50"] + 2 * ping["p50"] + echo["p50"]
    return {
        "redis_ping_ms": ping,
        "pg_insert_ms": insert,
        "ws_echo_ms": echo,
        "asgi_http_ms": asgi,
        "floor_turn_ms": round(turn_floor, 2),
        "floor_turn_formula": "asgi_http + 2 pg_insert + 2 redis_ping + ws_echo (p50s)",
    }


def _ws_echo_samples() -> list[float]:
    port = free_port()
    ready = threading.Event()

    async def serve() -> None:
        async def echo(ws: Any) -> None:
            async for message in ws:
                await ws.send(message)

        async with websockets.serve(echo, "127.0.0.1", port):
            ready.set()
            await asyncio.Future()

    threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
    ready.wait(10)
    with ws_connect(f"ws://127.0.0.1:{port}") as ws:

        def round_trip() -> None:
            ws.send("x")
            ws.recv()

        return timed(round_trip, 1000)


def _asgi_samples() -> list[float]:
    port = free_port()
    app = (
        "async def app(scope, receive, send):\n"
        "    if scope['type'] != 'http':\n        return\n"
        "    await send({'type': 'http.response.start', 'status': 200, 'headers': []})\n"
        "    await send({'type': 'http.response.body', 'body': b'ok'})\n"
    )
    code = (
        f"import uvicorn\n{app}\nuvicorn.run(app, host='127.0.0.1', port={port}, log_level='error')"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
    try:
        wait_until(answers(f"http://127.0.0.1:{port}/"), 20, "the trivial ASGI server")
        with httpx.Client() as http:
            return timed(lambda: http.get(f"http://127.0.0.1:{port}/"), 1000)
    finally:
        server.terminate()
        server.wait(10)


# --- Turns under load ------------------------------------------------------------------------


async def _client(
    host: str,
    token: str,
    turns: int,
    samples: dict[str, list[float]],
    errors: list[str],
    received: list[tuple[str, int, float]],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=f"http://{host}", headers=headers, timeout=30) as http:
        thread_id = (await http.post("/api/chat/threads/", json={})).json()["thread_id"]
        async with websockets.connect(
            f"ws://{host}/ws/chat/{thread_id}/?token={token}", max_size=2**20
        ) as ws:
            await ws.recv()
            for i in range(turns):
                started = time.perf_counter()
                try:
                    response = await http.post(
                        "/api/chat/", json={"message": f"hello {i}", "thread_id": thread_id}
                    )
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                    continue
                accepted = time.perf_counter()
                if response.status_code != 202:
                    errors.append(str(response.status_code))
                    continue
                typing = None
                try:
                    while True:
                        frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                        now = time.perf_counter()
                        if frame["event"] == "typing" and frame["payload"]["value"] and not typing:
                            typing = now
                        if frame["event"] in ("assistant_message", "turn_failed"):
                            seq = response.json()["seq"]
                            received.append((thread_id, seq, time.time()))
                            break
                except TimeoutError:
                    errors.append("reply timeout")
                    continue
                samples["202"].append((accepted - started) * 1000)
                samples["typing"].append(((typing or now) - started) * 1000)
                samples["reply"].append((now - started) * 1000)


def turn_load(system: System, token: str, clients: int, turns_each: int) -> dict[str, Any]:
    samples: dict[str, list[float]] = {"202": [], "typing": [], "reply": []}
    errors: list[str] = []
    received: list[tuple[str, int, float]] = []
    web = psutil.Process(system.webs[0][0].popen.pid)
    workers = [psutil.Process(p.popen.pid) for p in system.workers]
    web_before, workers_before = _cpu(web), sum(_cpu(p) for p in workers)
    started = time.perf_counter()

    async def run() -> None:
        await asyncio.gather(
            *(
                _client(system.hosts[0], token, turns_each, samples, errors, received)
                for _ in range(clients)
            )
        )

    asyncio.run(run())
    wall = time.perf_counter() - started
    web_cpu = _cpu(web) - web_before
    workers_cpu = sum(_cpu(p) for p in workers) - workers_before
    cpu = web_cpu + workers_cpu
    done = len(samples["reply"])
    per_turn = 1000 / max(done, 1)
    return {
        "cpu_ms_per_turn_web": round(web_cpu * per_turn, 2),
        "cpu_ms_per_turn_worker": round(workers_cpu * per_turn, 2),
        "stages_p50_ms": _stages(system.log_dir, samples["202"], received),
        "clients": clients,
        "turns": done,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "wall_s": round(wall, 2),
        "turns_per_s": round(done / wall, 1),
        "cpu_ms_per_turn": round(cpu * 1000 / max(done, 1), 2),
        **{f"{stage}_ms": pct(values) for stage, values in samples.items()},
    }


def _stages(
    log_dir: Path, accepts: list[float], received: list[tuple[str, int, float]]
) -> dict[str, float]:
    """Where a turn's time goes (p50 ms per stage): accept (the 202, client side), then the
    worker's own timings (queue wait, claim, agent, finish), then delivery (the terminal
    event's publish to its arrival at the client)."""
    timings: dict[tuple[str, int], dict[str, float]] = {}
    published: dict[tuple[str, int], float] = {}
    for line in (log_dir / "celery.log").read_text().splitlines():
        record = json.loads(line)
        key = (record.get("thread_id"), record.get("seq"))
        if record.get("event") == "turn_timings":
            timings[key] = record
        elif record.get("event") == "turn_end_published":
            published[key] = record["at"]
    stages: dict[str, list[float]] = {
        "queue_wait": [],
        "claim": [],
        "agent": [],
        "finish": [],
        "deliver": [],
    }
    for thread_id, seq, arrived in received:
        timing = timings.get((thread_id, seq))
        if timing is None or (thread_id, seq) not in published:
            continue
        for stage in ("queue_wait", "claim", "agent", "finish"):
            stages[stage].append(timing[f"{stage}_ms"])
        stages["deliver"].append((arrived - published[(thread_id, seq)]) * 1000)
    return {
        "accept": round(statistics.median(accepts), 2) if accepts else 0.0,
        **{stage: round(statistics.median(v), 2) if v else 0.0 for stage, v in stages.items()},
    }


def _cpu(process: psutil.Process) -> float:
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        times = p.cpu_times()
        total += times.user + times.system
    return total


# --- Slow LLM: turns in flight and added latency per piece -----------------------------------


def slow_llm(system: System, token: str, llm: FakeLLM, turns: int) -> dict[str, Any]:
    llm.default = Behaviour(text=["word "] * 20, piece_delay_secs=0.1)  # 2 s per reply
    headers = {"Authorization": f"Bearer {token}"}
    host = system.hosts[0]
    with httpx.Client(base_url=f"http://{host}", headers=headers, timeout=30) as http:
        threads = [
            http.post("/api/chat/threads/", json={}).json()["thread_id"] for _ in range(turns)
        ]

    async def fire() -> None:
        async with httpx.AsyncClient(
            base_url=f"http://{host}", headers=headers, timeout=60
        ) as http:
            await asyncio.gather(
                *(http.post("/api/chat/", json={"message": "hi", "thread_id": t}) for t in threads)
            )

    dsn = system.env["DATABASE_URL"].replace("postgres://", "postgresql://")
    in_flight_max = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        sender = threading.Thread(target=lambda: asyncio.run(fire()))
        sender.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            running, waiting = conn.execute(
                "SELECT count(*) FILTER (WHERE state = 'running'),"
                " count(*) FILTER (WHERE state IN ('queued', 'running')) FROM chat_turn"
            ).fetchone() or (0, 0)
            in_flight_max = max(in_flight_max, running)
            if not sender.is_alive() and waiting == 0:
                break
            time.sleep(0.1)
        sender.join()
    llm.default = Behaviour(text=[""] * 40, piece_delay_secs=0.02, timestamped=True)
    added = measure_pieces(system, token, 10)
    return {
        "turns_sent": turns,
        "in_flight_max": in_flight_max,
        "piece_added_ms": pct(added),
        "piece_added_ms_p99": pct(added)["p99"],
    }


# --- Idle sockets and replay -----------------------------------------------------------------


def idle_sockets(system: System, token: str, count: int) -> dict[str, Any]:
    host = system.hosts[0]
    thread_id = system.new_thread(token)
    web = psutil.Process(system.webs[0][0].popen.pid)
    before = web.memory_info().rss
    opened: list[Any] = []

    async def hold() -> None:
        gate = asyncio.Semaphore(100)

        async def one() -> None:
            async with gate:
                ws = await websockets.connect(
                    f"ws://{host}/ws/chat/{thread_id}/?token={token}", open_timeout=60
                )
                await ws.recv()
                opened.append(ws)

        results = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
        await asyncio.sleep(2)
        rss = web.memory_info().rss
        failures = [r for r in results if isinstance(r, BaseException)]
        sizes["after"] = rss
        sizes["failed"] = len(failures)
        await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)

    sizes: dict[str, int] = {}
    asyncio.run(hold())
    connected = count - sizes["failed"]
    return {
        "connections": connected,
        "failed": sizes["failed"],
        "kib_per_conn": round((sizes["after"] - before) / 1024 / max(connected, 1), 1),
    }


def replay(system: System, token: str, events: int) -> float:
    host = system.hosts[0]
    # Let the web process finish saying goodbye to the idle sockets first.
    wait_until(answers(f"http://{host}/healthz"), 120, "the web process to settle")
    thread_id = system.new_thread(token)
    dsn = system.env["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:  # 1,000 stored events, as if missed
        conn.execute(
            "INSERT INTO chat_event (id, thread_id, seq, kind, role, content, meta,"
            " correlation_id, created_at) SELECT gen_random_uuid(), %s, n, 'user_message',"
            " 'user', 'message ' || n, '{}', '', now() FROM generate_series(1, %s) n",
            [thread_id, events],
        )
        conn.execute("UPDATE chat_thread SET head_seq = %s WHERE id = %s", [events, thread_id])
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        with ws_connect(
            f"ws://{host}/ws/chat/{thread_id}/?token={token}&last_seq=0", max_size=2**22
        ) as ws:
            got = 0
            while got < events:
                if json.loads(ws.recv(timeout=30))["seq"] is not None:
                    got += 1
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


# --- Report ----------------------------------------------------------------------------------


def report(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    f = results["floors"]
    lines = [
        f"floors p50 (ms): redis ping {f['redis_ping_ms']['p50']}, pg insert "
        f"{f['pg_insert_ms']['p50']}, ws echo {f['ws_echo_ms']['p50']}, asgi http "
        f"{f['asgi_http_ms']['p50']}; turn floor {results['floor_turn_ms']} ms",
        f"{'clients':>7} {'turns':>6} {'err':>4} {'turns/s':>8} {'cpu ms':>7}  "
        f"{'202 p50/p95/p99':>20} {'typing p50/p95/p99':>20} {'reply p50/p95/p99':>20}",
    ]
    for level in results["turn"].values():
        lat = [
            f"{level[k]['p50']}/{level[k]['p95']}/{level[k]['p99']}"
            for k in ("202_ms", "typing_ms", "reply_ms")
        ]
        lines.append(
            f"{level['clients']:>7} {level['turns']:>6} {level['errors']:>4} "
            f"{level['turns_per_s']:>8} {level['cpu_ms_per_turn']:>7}  "
            f"{lat[0]:>20} {lat[1]:>20} {lat[2]:>20}"
        )
    stages = results["turn"]["1"]["stages_p50_ms"]
    lines.append(
        "1 client, p50 ms by stage: " + ", ".join(f"{name} {ms}" for name, ms in stages.items())
    )
    cpu_split = [
        f"{level['clients']} clients web {level['cpu_ms_per_turn_web']} + worker "
        f"{level['cpu_ms_per_turn_worker']}"
        for level in results["turn"].values()
    ]
    lines.append("CPU ms per turn: " + "; ".join(cpu_split))
    s = results["slow_llm"]
    lines += [
        f"slow LLM (2 s replies): {s['in_flight_max']} turns in flight at most of "
        f"{s['turns_sent']}; added per piece p50/p99 {s['piece_added_ms']['p50']}/"
        f"{s['piece_added_ms_p99']} ms",
        f"idle sockets: {results['idle_ws']['connections']} on one web process, "
        f"{results['idle_ws']['kib_per_conn']} KiB each",
        f"replay of 1,000 missed events: {results['replay_1000_ms']} ms",
    ]
    text = "\n".join(lines)
    (out / "latest.txt").write_text(text + "\n")
    print(text)
    _plot(results, out / "latest.png")


def _plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = list(results["turn"].values())
    clients = [str(level["clients"]) for level in levels]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for stage, color in (("202_ms", "#0e7490"), ("typing_ms", "#a16207"), ("reply_ms", "#be123c")):
        left.plot(
            clients,
            [level[stage]["p50"] for level in levels],
            "o-",
            color=color,
            label=f"{stage[:-3]} p50",
        )
        left.plot(
            clients,
            [level[stage]["p99"] for level in levels],
            "o--",
            color=color,
            alpha=0.6,
            label=f"{stage[:-3]} p99",
        )
    left.axhline(results["floor_turn_ms"], color="grey", linestyle=":", label="turn floor")
    left.set_yscale("log")
    left.set_xlabel("concurrent clients")
    left.set_ylabel("ms")
    left.set_title("Turn latency (instant agent)")
    left.legend(fontsize=7)
    right.bar(clients, [level["turns_per_s"] for level in levels], color="#0e7490")
    right.set_xlabel("concurrent clients")
    right.set_ylabel("turns/s")
    right.set_title("Throughput")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    log_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    redis_server = RedisServer(log_dir)
    redis_server.start()
    database_url = create_database(DATABASE)
    llm = FakeLLM().start()
    env = system_env(
        log_dir,
        database_url,
        redis_server.url,
        CHAT_AGENT="instant",
        CHAT_MAX_SOCKETS_PER_USER="100000",
        WORKER_CONCURRENCY="100",
        CHAT_TURN_DEADLINE_SECS="120",
        LOG_LEVEL="INFO",
    )
    system = System(env, log_dir, redis_server)
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "note": "load generator shares these cores"}
    }
    try:
        token = system.bootstrap("bench")
        system.start_web()
        system.start_worker()
        system.wait_ready()
        results["floors"] = floors(redis_server.url, database_url)
        results["floor_turn_ms"] = results["floors"]["floor_turn_ms"]
        print("floors measured", flush=True)
        results["turn"] = {}
        for clients, turns_each in ((1, 200), (10, 30), (100, 5)):
            level = turn_load(system, token, clients, max(2, int(turns_each * max(scale, 0.3))))
            results["turn"][str(clients)] = level
            print(f"{clients} clients: {level['turns_per_s']} turns/s", flush=True)
        busiest = max(results["turn"].values(), key=lambda level: level["turns_per_s"])
        results["turns_per_s"] = busiest["turns_per_s"]
        results["cpu_ms_per_turn"] = results["turn"]["100"]["cpu_ms_per_turn"]
        # The worker again, now with the slow streaming LLM and room for many turns at once.
        for worker in system.workers:
            worker.stop()
        system.workers.clear()
        system.env.update(
            CHAT_AGENT="auto",
            LLM_BASE_URL=llm.base_url,
            LLM_API_KEY="bench",
            WORKER_CONCURRENCY="1200",
            DB_POOL_MAX_SIZE="30",
        )
        system.start_worker()
        system.wait_ready()
        results["slow_llm"] = slow_llm(system, token, llm, int(1200 * scale) or 60)
        print("slow LLM measured", flush=True)
        results["idle_ws"] = idle_sockets(system, token, int(10_000 * scale))
        print("idle sockets measured", flush=True)
        results["replay_1000_ms"] = replay(system, token, 1000)
    finally:
        system.stop()
        llm.stop()
        drop_database(DATABASE)
        # Whatever was measured, kept even when a later step fails.
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "partial.json").write_text(json.dumps(results, indent=2) + "\n")
    report(results, args.out)
    (args.out / "partial.json").unlink()


if __name__ == "__main__":
    main()
