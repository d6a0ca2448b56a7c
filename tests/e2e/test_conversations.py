"""Conversations are named after their first message, sorted by activity with when it was,
renamed and deleted."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from chat.models import Thread
from chat.threads import thread_delete
from tests.e2e.conftest import is_phone, off_the_browsers_loop, screenshot
from tests.e2e.helpers import last_reply, open_conversations, send


def test_a_conversation_is_named_after_its_first_message_and_renamed(page: Page) -> None:
    send(page, "Car hire at Ercan airport next week")
    expect(page.get_by_test_id("thread-heading")).to_have_text(
        "Car hire at Ercan airport next week"
    )
    open_conversations(page)
    item = page.get_by_test_id("thread-item").first
    expect(item.get_by_test_id("thread-title")).to_have_text("Car hire at Ercan airport next week")
    expect(item.locator("time")).to_have_text(re.compile(r"now|second|minute"))
    screenshot(page, "conversations")
    item.get_by_test_id("thread-rename").click()
    field = page.get_by_test_id("thread-title-input")
    expect(field).to_be_focused()
    field.fill("Airport car")
    field.press("Enter")
    expect(page.get_by_test_id("thread-title").first).to_have_text("Airport car")
    expect(page.get_by_test_id("thread-rename").first).to_be_focused()

    page.reload()  # stored by the server, not only shown
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(page.get_by_test_id("thread-heading")).to_have_text("Airport car")


def test_the_list_follows_activity_and_a_deleted_conversation_is_gone(
    page: Page, django_db_blocker: Any
) -> None:
    send(page, "first conversation")
    expect(last_reply(page)).to_be_visible()
    open_conversations(page)
    page.get_by_test_id("new-thread").click()
    send(page, "second conversation")
    expect(page.get_by_test_id("thread-heading")).to_have_text("second conversation")
    open_conversations(page)
    expect(page.get_by_test_id("thread-title")).to_have_text(
        ["second conversation", "first conversation"]
    )
    current = page.locator('[data-testid="thread-item"]', has_text="second conversation")
    thread_id = current.get_attribute("data-thread-id")
    assert thread_id is not None
    current.get_by_test_id("thread-delete").click()
    page.get_by_test_id("thread-delete-confirm").click()

    expect(page.get_by_test_id("thread-title")).to_have_text(["first conversation"])
    # the open conversation was the deleted one: the next one opens, with its messages
    expect(page.get_by_test_id("thread-heading")).to_have_text("first conversation")
    expect(page.get_by_test_id("message-user")).to_contain_text(["first conversation"])
    gone = off_the_browsers_loop(
        django_db_blocker, lambda: not Thread.objects.filter(pk=thread_id).exists()
    )
    assert gone
    page.reload()
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    open_conversations(page)
    expect(page.get_by_test_id("thread-title")).to_have_text(["first conversation"])


def test_a_conversation_deleted_elsewhere_leaves_this_tab_too(
    page: Page, person: str, django_db_blocker: Any
) -> None:
    send(page, "soon gone")
    expect(last_reply(page)).to_be_visible()
    open_conversations(page)
    thread_id = page.get_by_test_id("thread-item").first.get_attribute("data-thread-id")
    assert thread_id is not None
    if is_phone(page):
        page.keyboard.press("Escape")

    def delete_in_another_tab() -> None:
        thread_delete(get_user_model().objects.get(username=person).pk, thread_id)

    off_the_browsers_loop(django_db_blocker, delete_in_another_tab)
    expect(page.get_by_test_id("toast").first).to_contain_text("not available")
    # the open socket closed 4404: the conversation leaves, a new one takes its place
    expect(page.get_by_test_id("thread-heading")).to_have_text("New conversation")
    expect(page.get_by_test_id("message-user")).to_have_count(0)
    open_conversations(page)
    items = page.get_by_test_id("thread-item")
    expect(items).to_have_count(1)
    assert items.first.get_attribute("data-thread-id") != thread_id
