"""The chat's HTTP routes reach their DRF adapters, and the documented body matches the check."""

from __future__ import annotations

from uuid import uuid4

from django.urls import resolve
from rest_framework.fields import ChoiceField

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
