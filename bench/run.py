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
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

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
T = TypeVar("T")
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


# --- Streaming LLM: messages answered by a streamed reply, at each load ---------------------

# As the Chainlit comparison ran it: 25 pieces 80 ms apart, a 2 s reply.
STREAM_PIECES, STREAM_GAP_SECS = 25, 0.08
STREAMED_REPLY = Behaviour(text=["word "] * STREAM_PIECES, piece_delay_secs=STREAM_GAP_SECS)


async def _streaming_client(
    host: str, token: str, messages: int, seen: dict[str, list[float]], errors: list[str]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    step = "POST /api/chat/threads/"
    try:
        async with httpx.AsyncClient(
            base_url=f"http://{host}", headers=headers, timeout=120
        ) as http:
            thread_id = (await http.post("/api/chat/threads/", json={})).json()["thread_id"]
            step = "socket"
            async with websockets.connect(
                f"ws://{host}/ws/chat/{thread_id}/?token={token}", max_size=2**20, open_timeout=60
            ) as ws:
                await ws.recv()
                step = "POST /api/chat/ and its reply"
                await _stream_messages(http, ws, thread_id, messages, seen, errors)
    except Exception as exc:
        # Which step failed says whose fault it is (the system's, or the driver's connection).
        errors.append(f"{type(exc).__name__} in {step}")


async def _stream_messages(
    http: httpx.AsyncClient,
    ws: Any,
    thread_id: str,
    messages: int,
    seen: dict[str, list[float]],
    errors: list[str],
) -> None:
    for i in range(messages):
        started = time.perf_counter()
        response = await http.post(
            "/api/chat/", json={"message": f"stream {i}", "thread_id": thread_id}
        )
        if response.status_code != 202:
            errors.append(str(response.status_code))
            continue
        first, frames = None, 0
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if frame["event"] == "token":
                frames += 1
                first = first or time.perf_counter()
            elif frame["event"] in ("assistant_message", "turn_failed"):
                break
        done = time.perf_counter()
        if frame["event"] == "turn_failed":
            errors.append(frame["payload"]["code"])
            continue
        seen["first_piece"].append(((first or done) - started) * 1000)
        seen["final"].append((done - started) * 1000)
        seen["frames"].append(frames)
        seen["spans"].append(started)
        seen["spans"].append(-done)


def streaming_llm(system: System, token: str, clients: int, messages_each: int) -> dict[str, Any]:
    """`clients` people at once, each sending `messages_each` messages answered by the slow
    streaming LLM: messages a second, first piece and final reply, CPU per message (web,
    worker and PostgreSQL), the most streams held at once, and frames per reply."""
    seen: dict[str, list[float]] = {"first_piece": [], "final": [], "frames": [], "spans": []}
    errors: list[str] = []
    processes = [psutil.Process(p.popen.pid) for p in [*(w for w, _ in system.webs)]]
    processes += [psutil.Process(p.popen.pid) for p in system.workers]
    cpu_before = sum(_cpu(p) for p in processes) + _postgres_cpu()
    started = time.perf_counter()

    async def run() -> None:
        results = await asyncio.gather(
            *(
                _streaming_client(system.hosts[0], token, messages_each, seen, errors)
                for _ in range(clients)
            ),
            return_exceptions=True,
        )
        errors.extend(type(r).__name__ for r in results if isinstance(r, BaseException))

    asyncio.run(run())
    wall = time.perf_counter() - started
    cpu = sum(_cpu(p) for p in processes) + _postgres_cpu() - cpu_before
    done = len(seen["final"])
    return {
        "clients": clients,
        "messages": done,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "messages_per_s": round(done / wall, 1),
        "cpu_ms_per_message": round(cpu * 1000 / max(done, 1), 2),
        "streams_held_max": _most_at_once(seen["spans"]),
        "frames_per_reply": round(statistics.mean(seen["frames"]), 2) if done else 0.0,
        "first_piece_ms": pct(seen["first_piece"]),
        "final_ms": pct(seen["final"]),
    }


def _most_at_once(spans: list[float]) -> int:
    """The most replies streaming at the same moment: starts are positive, ends negative."""
    held = most = 0
    for moment in sorted(spans, key=abs):
        held += 1 if moment > 0 else -1
        most = max(most, held)
    return most


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL server: the postmaster, its live backends, and the
    backends that have exited (counted to the postmaster once it reaped them). The server is
    shared, but nothing else uses it while the benchmark runs."""
    total = 0.0
    for process in psutil.process_iter(["name", "ppid"]):
        if process.info["name"] != "postgres":
            continue
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
            if psutil.Process(process.info["ppid"]).name() != "postgres":  # the postmaster
                total += times.children_user + times.children_system
    return total


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
    if "1" in results["turn"]:
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
    if "slow_llm" in results:
        s = results["slow_llm"]
        lines.append(
            f"slow LLM (2 s replies): {s['in_flight_max']} turns in flight at most of "
            f"{s['turns_sent']}; added per piece p50/p99 {s['piece_added_ms']['p50']}/"
            f"{s['piece_added_ms_p99']} ms"
        )
    if results.get("streaming"):
        lines += [
            f"streaming LLM, {STREAM_PIECES} pieces {STREAM_GAP_SECS * 1000:.0f} ms apart:",
            f"{'clients':>7} {'msgs':>5} {'err':>4} {'msg/s':>6} {'cpu ms':>7} {'held':>5} "
            f"{'frames':>6}  {'first piece p50/p95/p99':>24} {'final p50/p95/p99':>24}",
        ]
        for level in results["streaming"].values():
            first, final = (
                f"{level[k]['p50']}/{level[k]['p95']}/{level[k]['p99']}"
                for k in ("first_piece_ms", "final_ms")
            )
            lines.append(
                f"{level['clients']:>7} {level['messages']:>5} {level['errors']:>4} "
                f"{level['messages_per_s']:>6} {level['cpu_ms_per_message']:>7} "
                f"{level['streams_held_max']:>5} {level['frames_per_reply']:>6}  "
                f"{first:>24} {final:>24}"
            )
    if "idle_ws" in results:
        idle = results["idle_ws"]
        lines.append(
            f"idle sockets: {idle['connections']} on one web process, "
            f"{idle['kib_per_conn']} KiB each"
        )
    if "replay_1000_ms" in results:
        lines.append(f"replay of 1,000 missed events: {results['replay_1000_ms']} ms")
    for name, failure in results.get("failed_phases", {}).items():
        lines.append(f"{name}: could not run ({failure})")
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
    parser.add_argument(
        "--compare",
        metavar="REV",
        help="then run the benchmark of another commit, from a worktree of its own, and print "
        "the two side by side (the same machine, the same hour)",
    )
    parser.add_argument(
        "--streaming",
        type=int,
        metavar="CLIENTS",
        help="only the streaming-LLM phase, at this many clients with one message each",
    )
    args = parser.parse_args()
    if args.streaming:
        streaming_only(args.streaming)
        return
    run_benchmark(args.quick, args.out)
    if args.compare:
        compare(args.compare, args.quick, args.out)


def run_benchmark(quick: bool, out: Path) -> None:
    scale = 0.1 if quick else 1.0
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
            turns = max(2, int(turns_each * max(scale, 0.3)))
            level = phase(results, f"{clients} clients", turn_load, system, token, clients, turns)
            if level is not None:
                results["turn"][str(clients)] = level
                print(f"{clients} clients: {level['turns_per_s']} turns/s", flush=True)
        if results["turn"]:
            busiest = max(results["turn"].values(), key=lambda level: level["turns_per_s"])
            results["turns_per_s"] = busiest["turns_per_s"]
        if "100" in results["turn"]:
            results["cpu_ms_per_turn"] = results["turn"]["100"]["cpu_ms_per_turn"]
        # The worker again, now with the slow streaming LLM and room for many turns at once.
        for worker in system.workers:
            worker.stop()
        system.workers.clear()
        system.env.update(streaming_env(llm))
        system.start_worker()
        system.wait_ready()
        slow = phase(results, "slow LLM", slow_llm, system, token, llm, int(1200 * scale) or 60)
        if slow is not None:
            results["slow_llm"] = slow
            print("slow LLM measured", flush=True)
        llm.default = STREAMED_REPLY
        results["streaming"] = {}
        levels = ((1, 10), (10, 5), (100, 2)) if quick else ((1, 20), (10, 10), (100, 3), (1000, 1))
        for clients, messages in levels:
            name = f"streaming LLM, {clients} clients"
            level = phase(results, name, streaming_llm, system, token, clients, messages)
            if level is not None:
                results["streaming"][str(clients)] = level
                print(f"{name}: {level['messages_per_s']} msg/s", flush=True)
        idle = phase(results, "idle sockets", idle_sockets, system, token, int(10_000 * scale))
        if idle is not None:
            results["idle_ws"] = idle
            print("idle sockets measured", flush=True)
        replayed = phase(results, "replay", replay, system, token, 1000)
        if replayed is not None:
            results["replay_1000_ms"] = replayed
    finally:
        system.stop()
        llm.stop()
        drop_database(DATABASE)
        # Whatever was measured, kept even when a later step fails.
        out.mkdir(parents=True, exist_ok=True)
        (out / "partial.json").write_text(json.dumps(results, indent=2) + "\n")
    report(results, out)
    (out / "partial.json").unlink()


def streaming_env(llm: FakeLLM) -> dict[str, str]:
    """The worker's settings for the LLM phases: the suite's protocol server, room for many
    turns at once."""
    return {
        "CHAT_AGENT": "auto",
        "LLM_BASE_URL": llm.base_url,
        "LLM_API_KEY": "bench",
        "WORKER_CONCURRENCY": "1200",
        "DB_POOL_MAX_SIZE": "30",
    }


@contextlib.contextmanager
def streaming_system(name: str) -> Iterator[tuple[System, str]]:
    """A system of its own answered by the streaming LLM (one web process, one worker), and
    an access token; everything is stopped and dropped afterwards."""
    log_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    redis_server = RedisServer(log_dir)
    redis_server.start()
    llm = FakeLLM().start()
    llm.default = STREAMED_REPLY
    env = system_env(
        log_dir,
        create_database(DATABASE),
        redis_server.url,
        CHAT_MAX_SOCKETS_PER_USER="100000",
        CHAT_TURN_DEADLINE_SECS="120",
        LOG_LEVEL="INFO",
        **streaming_env(llm),
    )
    system = System(env, log_dir, redis_server)
    try:
        token = system.bootstrap(name)
        system.start_web()
        system.start_worker()
        system.wait_ready()
        yield system, token
    finally:
        system.stop()
        llm.stop()
        drop_database(DATABASE)


def streaming_only(clients: int) -> None:
    """`--streaming CLIENTS`: the streaming-LLM phase alone, printed as JSON."""
    with streaming_system("bench") as (system, token):
        print(json.dumps(streaming_llm(system, token, clients, 1), indent=2))


def phase(results: dict[str, Any], name: str, measure: Callable[..., T], *args: Any) -> T | None:
    """One phase's figures, or None when it could not run: a slow machine's timeout in one
    phase is reported as such (under "failed_phases") instead of losing the whole run."""
    try:
        return measure(*args)
    except Exception as exc:
        failure = f"{type(exc).__name__}: {str(exc)[:200]}"
        results.setdefault("failed_phases", {})[name] = failure
        print(f"{name}: could not run ({failure})", flush=True)
        return None


# --- Another commit beside this one ----------------------------------------------------------

# (label, how to read it from a run's latest.json)
COMPARED: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("turn floor, ms", lambda r: r["floor_turn_ms"]),
    ("reply p50, 1 client, ms", lambda r: r["turn"]["1"]["reply_ms"]["p50"]),
    ("turns/s, 10 clients", lambda r: r["turn"]["10"]["turns_per_s"]),
    ("CPU ms per turn, 10 clients", lambda r: r["turn"]["10"]["cpu_ms_per_turn"]),
    ("turns/s, 100 clients", lambda r: r["turn"]["100"]["turns_per_s"]),
    ("reply p99, 100 clients, ms", lambda r: r["turn"]["100"]["reply_ms"]["p99"]),
    ("errors, 100 clients", lambda r: r["turn"]["100"]["errors"]),
    ("slow LLM: turns in flight", lambda r: r["slow_llm"]["in_flight_max"]),
    ("added per piece p99, ms", lambda r: r["slow_llm"]["piece_added_ms_p99"]),
    ("streaming, 100: final p50, ms", lambda r: r["streaming"]["100"]["final_ms"]["p50"]),
    ("streaming, 100: CPU ms per msg", lambda r: r["streaming"]["100"]["cpu_ms_per_message"]),
    ("streaming, 1,000: errors", lambda r: r["streaming"]["1000"]["errors"]),
    ("streaming, 1,000: held", lambda r: r["streaming"]["1000"]["streams_held_max"]),
    ("idle socket, KiB", lambda r: r["idle_ws"]["kib_per_conn"]),
    ("replay of 1,000 events, ms", lambda r: r["replay_1000_ms"]),
]


def compare(rev: str, quick: bool, out: Path) -> None:
    """Run `rev`'s own benchmark from a worktree of its own, then print both runs' figures."""
    worktree = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    other_out = worktree / "results"
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), rev], cwd=ROOT, check=True)
    try:
        command = [sys.executable, "bench/run.py", "--out", str(other_out)]
        subprocess.run([*command, *(["--quick"] if quick else [])], cwd=worktree, check=True)
        theirs = json.loads((other_out / "latest.json").read_text())
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT)
    ours = json.loads((out / "latest.json").read_text())
    (out / f"compare-{rev}.json").write_text(json.dumps(theirs, indent=2) + "\n")
    print(comparison_table(rev, theirs, ours))


def comparison_table(rev: str, theirs: dict[str, Any], ours: dict[str, Any]) -> str:
    lines = [f"{'figure':<30} {rev[:12]:>12} {'this tree':>12}"]
    for label, read in COMPARED:
        lines.append(f"{label:<30} {_figure(read, theirs):>12} {_figure(read, ours):>12}")
    return "\n".join(lines)


def _figure(read: Callable[[dict[str, Any]], Any], results: dict[str, Any]) -> str:
    try:
        return str(read(results))
    except (KeyError, TypeError):
        return "-"  # that run did not measure it


if __name__ == "__main__":
    main()
