from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_llm import Behaviour, FakeLLM
from tests.faults.clients import Conversation
from tests.faults.system import RedisServer, System, create_database, drop_database, system_env

DATABASE = f"test_easy_islanders_faults_{os.getpid()}"
SLOW_REPLY = Behaviour(text=[f"piece {i}. " for i in range(12)], piece_delay_secs=0.12)


@pytest.fixture(scope="session")
def fault_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A migrated, seeded database of the fault suite's own, and an access token for it."""
    url = create_database(DATABASE)
    log_dir = tmp_path_factory.mktemp("fault-setup")
    setup = System(
        system_env(log_dir, url, "redis://127.0.0.1:6379/13"), log_dir, RedisServer(log_dir)
    )
    token = setup.bootstrap("faults")
    setup.manage("seed_catalog")
    yield url, token
    drop_database(DATABASE)


@pytest.fixture(scope="session")
def slow_llm() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    server.default = SLOW_REPLY
    yield server
    server.stop()


@pytest.fixture
def make_system(
    fault_database: tuple[str, str], slow_llm: FakeLLM, tmp_path: Path
) -> Iterator[Callable[..., System]]:
    systems: list[System] = []

    def make(webs: int = 1, workers: int = 1, **overrides: str) -> System:
        redis = RedisServer(tmp_path)
        redis.start()
        env = system_env(
            tmp_path,
            fault_database[0],
            redis.url,
            LLM_BASE_URL=slow_llm.base_url,
            LLM_API_KEY="sk-fake",
            **overrides,
        )
        system = System(env, tmp_path, redis)
        systems.append(system)
        for _ in range(webs):
            system.start_web()
        for _ in range(workers):
            system.start_worker()
        if workers:
            system.wait_ready()
        return system

    yield make
    for system in systems:
        system.stop()


@pytest.fixture
def conversations(fault_database: tuple[str, str]) -> Callable[..., list[Conversation]]:
    def make(system: System, count: int) -> list[Conversation]:
        token = fault_database[1]
        convos = []
        for i in range(count):
            thread_id = system.new_thread(token)
            convo = Conversation(system, token, thread_id, web_index=i)
            convo.listen()
            convos.append(convo)
        return convos

    return make
