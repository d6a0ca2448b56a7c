"""A changed account is told to every web process (`user_changed`), once it is committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from chat.signals import user_saved
from tests.chat.capture import QUICK_HASHERS, committed, published


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = QUICK_HASHERS


@pytest.mark.django_db
def test_saving_a_user_publishes_user_changed_after_commit(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    with published(control=True) as frames:
        user.is_active = False
        user.save()
        frames.sync()
        assert frames.controls_for(user.pk) == []  # the test's transaction is still open
    assert frames.controls_for(user.pk) == [{"kind": "user_changed", "id": str(user.pk)}]


@pytest.mark.django_db
def test_creating_a_user_publishes_nothing(make_user: Callable[..., Any]) -> None:
    with published(control=True) as frames:
        user = make_user()
    assert frames.controls_for(user.pk) == []
    with published(control=True) as frames:  # the same capture sees a save of it
        user.save()
    assert [c["kind"] for c in frames.controls_for(user.pk)] == ["user_changed"]


@committed
def test_a_save_in_a_real_transaction_is_told_when_it_commits(
    make_user: Callable[..., Any],
) -> None:
    user = make_user()
    with published(control=True) as frames:
        with transaction.atomic():
            get_user_model().objects.get(pk=user.pk).save()
            frames.sync()
            assert frames.controls_for(user.pk) == []
        frames.sync()
        assert frames.controls_for(user.pk) == [{"kind": "user_changed", "id": str(user.pk)}]


@committed
def test_a_save_rolled_back_is_never_told(make_user: Callable[..., Any]) -> None:
    user = make_user()
    with published(control=True) as frames, pytest.raises(RuntimeError), transaction.atomic():
        user.save()
        raise RuntimeError("rolled back")
    assert frames.controls_for(user.pk) == []


def test_the_receiver_listens_to_the_user_model() -> None:
    from django.db.models.signals import post_save

    sync_receivers, _ = post_save._live_receivers(get_user_model())
    assert user_saved in sync_receivers
