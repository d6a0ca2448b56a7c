from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractBaseUser]:
    """A new user with a unique name (tests share the database with the live stack's rows)."""

    def make(password: str = "pw-for-tests-only") -> AbstractBaseUser:
        return get_user_model().objects.create_user(
            username=f"unit-{uuid.uuid4().hex[:12]}", password=password
        )

    return make
