from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from accounts.tokens import access_token_issue
from tests.integration.stack import LiveStack, answers, running_stack, start_web, wait_until

pytestmark = pytest.mark.integration


def stack_env(log_dir: Path, **overrides: str) -> dict[str, str]:
    db = connection.settings_dict  # the test database pytest-django created and migrated
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "easy_islanders.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "LOG_DIR": str(log_dir),
        "PROMETHEUS_MULTIPROC_DIR": str(log_dir / "metrics"),
        "DB_POOL_MAX_SIZE": "8",
        "PYTHONUNBUFFERED": "1",
        # The suite stands where a reverse proxy would: it says who the client is.
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        # Many tests, and the API fuzzer, start threads as one user; the limit has its own test.
        "THREAD_WRITE_RATE": "100000/min",
    }
    env.update(overrides)
    return env


@contextmanager
def another_web(db_blocker: Any, log_dir: Path, name: str, **overrides: str) -> Iterator[str]:
    """A second web process on the live stack's database and Redis, with other settings; its
    base URL while the block runs."""
    with db_blocker.unblock():
        env = stack_env(log_dir, **overrides)
    web, host = start_web(env, log_dir, name=name)
    try:
        wait_until(answers(f"http://{host}/healthz"), 30, f"the {name} web process")
        yield f"http://{host}"
    finally:
        web.stop()


@pytest.fixture(scope="session")
def live_stack(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStack]:
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    log_dir = tmp_path_factory.mktemp("live-logs")
    with django_db_blocker.unblock():
        env = stack_env(log_dir)
    with running_stack(env, log_dir) as stack:
        yield stack


@pytest.fixture
def user_token(django_db_blocker: Any) -> Callable[..., tuple[Any, str]]:
    """A committed user (visible to the live stack) and an access token for them."""
    created = []

    def make(ttl_secs: int | None = None, password: str = "correct-horse") -> tuple[Any, str]:
        with django_db_blocker.unblock():
            user = get_user_model().objects.create_user(
                username=f"it-{uuid.uuid4().hex[:12]}", password=password
            )
        created.append(user)
        return user, access_token_issue(user, ttl_secs)

    return make


@pytest.fixture
def owner(user_token: Callable[..., tuple[Any, str]]) -> tuple[Any, str]:
    return user_token()


@pytest.fixture
def outsider(user_token: Callable[..., tuple[Any, str]]) -> tuple[Any, str]:
    return user_token()


@pytest.fixture
def new_thread(live_stack: LiveStack, owner: tuple[Any, str]) -> str:
    with live_stack.client(owner[1]) as http:
        response = http.post("/api/chat/threads/", json={})
    assert response.status_code == 201, response.text
    return str(response.json()["thread_id"])
