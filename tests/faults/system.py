"""A whole Easy Islanders system for fault injection, every part a real process we can kill:
a PostgreSQL database and a Redis server of its own (so restarting or wiping them touches
nothing else), web processes and Celery workers, and the suite's OpenAI-compatible server."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from tests.integration.stack import (
    ROOT,
    Process,
    answers,
    free_port,
    start_process,
    start_worker,
    wait_until,
)

PG = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


class RedisServer:
    """A private redis-server on a spare port: stop it, start it again empty."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_dir = log_dir
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with (self.log_dir / "redis.out").open("ab") as out:
            self.popen = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, 10, "the private Redis")

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()  # no goodbye: as if the machine went away; nothing is saved
            self.popen.wait(10)

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False


def create_database(name: str) -> str:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class System:
    env: dict[str, str]
    log_dir: Path
    redis: RedisServer
    webs: list[tuple[Process, str]] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    def bootstrap(self, username: str, ttl_secs: int = 7200) -> str:
        """Migrate the system's database and create a user; an access token for it."""
        self.manage("migrate", "--no-input", "-v", "0")
        return self.manage("issue_token", username, "--create", "--ttl", str(ttl_secs))

    def new_thread(self, token: str) -> str:
        """Start a thread over HTTP, as a client does."""
        response = httpx.post(
            f"http://{self.hosts[0]}/api/chat/threads/",
            json={},
            timeout=60,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["thread_id"])

    def start_web(self, port: int | None = None) -> str:
        port = port or free_port()
        name = f"web-{port}"
        process = start_process(
            name, ["-m", "easy_islanders.serve", "--port", str(port)], self.env, self.log_dir
        )
        host = f"127.0.0.1:{port}"
        wait_until(answers(f"http://{host}/healthz"), 30, f"web on {port}")
        self.webs.append((process, host))
        return host

    def start_worker(self) -> Process:
        worker = start_worker(self.env, self.log_dir, name=f"worker{len(self.workers)}")
        self.workers.append(worker)
        return worker

    @property
    def hosts(self) -> list[str]:
        return [host for process, host in self.webs if process.popen.poll() is None]

    def wait_ready(self) -> None:
        wait_until(answers(f"http://{self.hosts[0]}/readyz"), 60, "the system to be ready")

    def kill(self, process: Process, sig: int = signal.SIGKILL) -> None:
        process.popen.send_signal(sig)
        process.popen.wait(30)

    def stop_web(self, host: str) -> None:
        for process, web_host in self.webs:
            if web_host == host:
                self.kill(process, signal.SIGTERM)

    def stop(self) -> None:
        for process in self.workers + [p for p, _ in self.webs]:
            process.stop()
        self.redis.stop()

    def events(self, token: str, thread_id: str) -> dict[str, object]:
        for _ in range(50):
            try:
                response = httpx.get(
                    f"http://{self.hosts[0]}/api/chat/threads/{thread_id}/events/?limit=1000",
                    timeout=5,
                    headers={"Authorization": f"Bearer {token}"},
                )
                if response.status_code == 200:
                    return dict(response.json())
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"could not read the events of {thread_id}")


def system_env(
    log_dir: Path, database_url: str, redis_url: str, **overrides: str
) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "easy_islanders.settings",
        # Production settings refuse to start without a key; a system of its own gets one.
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_DIR": str(log_dir),
        "PROMETHEUS_MULTIPROC_DIR": str(log_dir / "metrics"),
        "DB_POOL_MAX_SIZE": "10",
        "PYTHONUNBUFFERED": "1",
        "CHAT_SEND_RATE": "100000/min",
        "THREAD_WRITE_RATE": "100000/min",  # one user holds every conversation here
        # Fast recovery, so faults resolve within a test's time.
        "WORKER_HEARTBEAT_SECS": "1",
        "CHAT_SWEEP_INTERVAL_SECS": "1",
        "CHAT_REQUEUE_AFTER_SECS": "3",
        "CHAT_TURN_DEADLINE_SECS": "40",
        "LLM_TIMEOUT_SECS": "10",
        "CHAT_MAX_SOCKETS_PER_USER": "100",  # one user holds every conversation here
        **overrides,
    }
