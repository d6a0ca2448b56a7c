"""The chat's HTTP routes reach their DRF adapters, and the documented body matches the check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from django.urls import resolve
from rest_framework.fields import ChoiceField
from rest_framework.test import APIClient

from agents.base import LANGUAGES
from chat.api import urls, views
from chat.api.serializers import SendMessageRequest


def test_each_chat_path_resolves_to_its_view() -> None:
    thread = uuid4()
    expected = {
        "/api/chat/": views.SendMessageView,
        "/api/chat/threads/": views.ThreadsView,
        f"/api/chat/threads/{thread}/": views.ThreadDetailView,
        f"/api/chat/threads/{thread}/events/": views.ThreadEventsView,
        f"/api/chat/threads/{thread}/cancel/": views.CancelTurnView,
    }
    for path, view in expected.items():
        assert resolve(path).func.view_class is view, path  # type: ignore[attr-defined]


def test_every_route_is_named() -> None:
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names == {"chat-send", "chat-threads", "chat-thread", "chat-events", "chat-cancel"}


def test_the_documented_languages_are_the_ones_the_accept_check_allows() -> None:
    field = SendMessageRequest().fields["language"]
    assert isinstance(field, ChoiceField)
    assert list(field.choices) == list(LANGUAGES)


@pytest.mark.django_db
def test_new_threads_and_renames_are_limited_per_user_and_reading_is_not(
    make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rates = {**views.ThreadWriteThrottle.THROTTLE_RATES, "thread_write": "3/min"}
    monkeypatch.setattr(views.ThreadWriteThrottle, "THROTTLE_RATES", rates)
    owner, bystander = APIClient(), APIClient()
    owner.force_authenticate(make_user())
    bystander.force_authenticate(make_user())
    created = owner.post("/api/chat/threads/", {}, format="json")
    thread = created.json()["thread_id"]
    path = f"/api/chat/threads/{thread}/"
    assert owner.patch(path, {"title": "villas"}, format="json").status_code == 200
    assert owner.post("/api/chat/threads/", {}, format="json").status_code == 201
    refused = owner.patch(path, {"title": "cars"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled" and int(refused["Retry-After"]) > 0
    assert owner.post("/api/chat/threads/", {}, format="json").status_code == 429
    assert owner.get("/api/chat/threads/").status_code == 200  # reading is not counted
    assert owner.get(path).status_code == 200
    assert bystander.post("/api/chat/threads/", {}, format="json").status_code == 201


@pytest.mark.django_db
def test_a_turn_to_cancel_is_named_by_a_json_integer_and_nothing_else(
    make_user: Callable[..., Any],
) -> None:
    client = APIClient()
    client.force_authenticate(make_user())
    thread = client.post("/api/chat/threads/", {}, format="json").json()["thread_id"]
    path = f"/api/chat/threads/{thread}/cancel/"
    for wrong in (9007199254740992.0, 1.0, "1", True, 2**63, 0):
        refused = client.post(path, {"in_reply_to": wrong}, format="json")
        assert refused.status_code == 400, wrong
        assert refused.json()["error"]["fields"]["in_reply_to"], wrong
    taken = client.post(path, {"in_reply_to": 1}, format="json")
    assert taken.status_code == 202 and taken.json()["status"] == "nothing_to_cancel"
