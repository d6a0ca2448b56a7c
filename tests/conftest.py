from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from catalog.seed import seed_catalog
from chat.turns.loop import turn_loop
from easy_islanders.redis import redis_client
from tests.fake_llm import FakeLLM


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests marked after_all read what the others left behind (their logs): they go last.
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractBaseUser]:
    """A new user with a unique name (tests share the database with the live stack's rows)."""

    def make(password: str = "pw-for-tests-only") -> AbstractBaseUser:
        return get_user_model().objects.create_user(
            username=f"unit-{uuid.uuid4().hex[:12]}", password=password
        )

    return make


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest
) -> None:
    """The test database, migrated, with the demo catalog (committed: the live stack sees it).

    pytest-django creates test databases only for collected tests that declare one (`db`);
    integration tests reach the database through the live stack instead, so when only they
    run, the default test database is set up here.
    """
    # The test database is made anew; what an earlier run left in the tests' Redis db (rate
    # windows and throttles keyed by user ids that are handed out again) must go with it.
    redis_client().flushdb()
    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            created = setup_databases(verbosity=0, interactive=False, aliases={"default": {}})
            request.addfinalizer(lambda: _teardown(created, django_db_blocker))
        seed_catalog()
    # Turns run in this process (tests of the worker's side) leave the turn loop's pool open
    # on the test database: closed before the database is dropped.
    request.addfinalizer(turn_loop.stop)


def _teardown(created: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        teardown_databases(created, verbosity=0)


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server
