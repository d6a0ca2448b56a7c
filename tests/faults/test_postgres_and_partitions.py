"""PostgreSQL restarted, crashed and stopped, and a network partition from PostgreSQL or from
Redis (a proxy that keeps every connection open but forwards nothing, as a dead switch looks),
each while replies stream to open sockets. Whatever happens, a POST answers within
ACCEPT_BOUND_SECS with 202 or 503 (never 500, never a hang), no reply that was generated ends
as failed, every accepted message ends exactly once, and the system takes messages again within
RECOVERY_SECS of the heal."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.fake_llm import FakeLLM
from tests.faults.clients import Conversation, Post
from tests.faults.postgres import FreezeProxy, PostgresServer
from tests.faults.system import RedisServer, System, system_env
from tests.faults.test_faults import judged, send_all

pytestmark = pytest.mark.faults

ACCEPT_BOUND_SECS = 5.0
RECOVERY_SECS = 10.0
READY_BOUND_SECS = 3.0  # /readyz answers within its 2 s bound, and names what hangs
CONVERSATIONS, MESSAGES = 12, 3  # 36 replies streaming
PROBE_EVERY_SECS = 0.5  # while the fault lasts, a message from one conversation or another


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = PostgresServer(tmp_path_factory.mktemp("postgres"))
    server.init()
    server.start()
    yield server
    server.destroy()


@pytest.fixture(params=["postgres"])
def faulty(
    request: pytest.FixtureRequest, postgres: PostgresServer, slow_llm: FakeLLM, tmp_path: Path
) -> Iterator[tuple[System, FreezeProxy, str]]:
    """A system whose PostgreSQL is the private server and Redis a private one, the one named
    by the parameter reached through a proxy that can freeze; and an access token."""
    name = f"faults_{uuid.uuid4().hex[:8]}"
    postgres.create_database(name)
    redis = RedisServer(tmp_path)
    redis.start()
    proxy = FreezeProxy(postgres.port if request.param == "postgres" else redis.port)
    proxy.start()
    database_url, redis_url = postgres.url(name), redis.url
    if request.param == "postgres":
        database_url = database_url.replace(f":{postgres.port}/", f":{proxy.port}/")
    else:
        redis_url = redis_url.replace(f":{redis.port}/", f":{proxy.port}/")
    env = system_env(
        tmp_path,
        database_url,
        redis_url,
        LLM_BASE_URL=slow_llm.base_url,
        LLM_API_KEY="sk-fake",
        CHAT_TURN_DEADLINE_SECS="60",
    )
    system = System(env, tmp_path, redis)
    try:
        token = system.bootstrap("faults")
        system.start_web()
        system.start_worker()
        system.wait_ready()
        yield system, proxy, token
    finally:
        system.stop()
        proxy.stop()


def conversations(system: System, token: str) -> list[Conversation]:
    convos = []
    for i in range(CONVERSATIONS):
        convo = Conversation(system, token, system.new_thread(token), web_index=i)
        convo.listen()
        convos.append(convo)
    return convos


def through_fault(
    system: System, token: str, fault: Callable[[], None]
) -> tuple[list[Conversation], float]:
    """36 replies streaming to 12 sockets; the fault strikes once they stream, while messages
    keep coming; everything is judged once the fault has healed. The seconds from the heal to
    the first message taken again."""
    convos = conversations(system, token)
    sender = threading.Thread(target=send_all, args=(convos, MESSAGES))
    sender.start()
    time.sleep(1.5)
    healed = threading.Event()
    prober = threading.Thread(target=_probe, args=(convos, healed))
    prober.start()
    fault()
    healed_at = time.monotonic()
    healed.set()
    prober.join(60)
    recovered_in = _first_acceptance(convos[0], healed_at)
    print(f"\na message taken again {recovered_in:.2f} s after the heal")
    sender.join(120)
    judged(convos)
    return convos, recovered_in


def _probe(convos: list[Conversation], healed: threading.Event) -> None:
    """One POST every PROBE_EVERY_SECS, each from the next conversation, until the heal."""
    i = 0
    while not healed.wait(PROBE_EVERY_SECS):
        convo = convos[i % len(convos)]
        convo.post(convo.system.hosts[0], f"during the fault {i}", str(uuid.uuid4()))
        i += 1


def _first_acceptance(convo: Conversation, healed_at: float) -> float:
    seq = convo.send("after the heal", budget_secs=RECOVERY_SECS * 3)
    assert seq is not None, "no message was taken after the heal"
    return time.monotonic() - healed_at


def assert_held(convos: list[Conversation], recovered_in: float) -> None:
    """Every POST answered 202 or 503 within the bound; messages taken again soon after."""
    assert recovered_in <= RECOVERY_SECS, recovered_in
    posts: list[Post] = [post for convo in convos for post in convo.posts]
    answers = sorted({post.answer for post in posts})
    slowest = max(post.secs for post in posts)
    print(f"\n{len(posts)} POSTs: {answers}, the longest {slowest:.2f} s")
    assert set(answers) <= {"202", "503"}, answers
    assert slowest <= ACCEPT_BOUND_SECS, slowest


def test_a_postgres_restart_fails_no_reply(
    faulty: tuple[System, FreezeProxy, str], postgres: PostgresServer
) -> None:
    system, _, token = faulty
    convos, recovered_in = through_fault(system, token, lambda: postgres.restart("fast"))
    assert_held(convos, recovered_in)


def test_a_postgres_crash_fails_no_reply(
    faulty: tuple[System, FreezeProxy, str], postgres: PostgresServer
) -> None:
    system, _, token = faulty

    def crash() -> None:
        postgres.crash()
        postgres.start()  # crash recovery

    convos, recovered_in = through_fault(system, token, crash)
    assert_held(convos, recovered_in)


def test_postgres_stopped_for_15_s_answers_503_and_fails_no_reply(
    faulty: tuple[System, FreezeProxy, str], postgres: PostgresServer
) -> None:
    system, _, token = faulty

    def outage() -> None:
        postgres.stop("fast")
        time.sleep(15)
        postgres.start()

    convos, recovered_in = through_fault(system, token, outage)
    assert_held(convos, recovered_in)
    assert any(post.answer == "503" for convo in convos for post in convo.posts)


@pytest.mark.parametrize("then_reset", [False, True], ids=["healed", "reset"])
def test_a_20_s_partition_from_postgres_never_hangs_and_fails_no_reply(
    faulty: tuple[System, FreezeProxy, str], then_reset: bool
) -> None:
    system, proxy, token = faulty

    readiness: list[tuple[int, dict[str, str], float]] = []

    def partition() -> None:
        proxy.freeze()
        time.sleep(5)  # the pooled connections have gone silent too
        started = time.monotonic()
        answer = httpx.get(f"http://{system.hosts[0]}/readyz", timeout=30)
        readiness.append((answer.status_code, answer.json()["checks"], time.monotonic() - started))
        time.sleep(15)
        if then_reset:  # as a firewall that forgot the connections does
            proxy.reset()
        proxy.thaw()

    convos, recovered_in = through_fault(system, token, partition)
    assert_held(convos, recovered_in)
    ((status, checks, secs),) = readiness
    assert (status, checks["redis"]) == (503, "ok") and checks["database"].startswith("failed")
    assert secs <= READY_BOUND_SECS, secs


@pytest.mark.parametrize("faulty", ["redis"], indirect=True)
def test_a_20_s_partition_from_redis_answers_503_at_once_and_fails_no_reply(
    faulty: tuple[System, FreezeProxy, str],
) -> None:
    system, proxy, token = faulty

    def partition() -> None:
        proxy.freeze()
        time.sleep(20)
        proxy.reset()  # the connections the system held through it are gone
        proxy.thaw()

    convos, recovered_in = through_fault(system, token, partition)
    assert_held(convos, recovered_in)
    assert any(post.answer == "503" for convo in convos for post in convo.posts)
