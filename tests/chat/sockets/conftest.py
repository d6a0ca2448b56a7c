"""Fixtures of the socket side's in-process tests: people and threads whose rows are committed
(the socket side reads PostgreSQL through its own pool, easy_islanders/pg.py, so rows inside a
test transaction would be invisible to it)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from accounts.activity import user_forget
from accounts.tokens import access_token_issue
from chat.sockets.slots import _slots_key
from easy_islanders.redis import redis_client
from tests.chat.sockets.support import Person


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access in autocommit, from any thread (what the socket side and the domain
    calls it makes on worker threads need)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def make_person(committed: None) -> Iterator[Callable[[], Person]]:
    """A new user and an access token; the user and its threads are deleted afterwards."""
    made: list[Any] = []

    def make() -> Person:
        user = get_user_model().objects.create_user(
            # Ids far from the sequence's: control messages (user_changed) from other processes
            # on the same Redis reach this process's hubs too (pub/sub ignores the db number),
            # and one for an id not made yet would be remembered as an inactive user.
            id=random.randrange(1_000_000_000, 2_000_000_000),
            username=f"sockets-{uuid.uuid4().hex[:12]}",
            password=None,  # no hashing: the socket side takes tokens only
        )
        user_forget(user.pk)
        made.append(user)
        redis_client().delete(_slots_key(user.pk))
        return Person(user=user, token=access_token_issue(user))

    yield make
    for user in made:
        redis_client().delete(_slots_key(user.pk))
        get_user_model().objects.filter(pk=user.pk).delete()


@pytest.fixture
def person(make_person: Callable[[], Person]) -> Person:
    return make_person()
