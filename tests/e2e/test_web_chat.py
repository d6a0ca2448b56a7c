"""A person using the web chat through replies, streaming, drops, expiry, reloads and errors."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ACCESS_TTL_SECS, screenshot
from tests.e2e.helpers import send
from tests.fake_llm import Behaviour, FakeLLM


def stored_replies(page: Page) -> list[str]:
    return page.locator('[data-testid="message-assistant"][data-seq]').all_inner_texts()


def test_the_first_reply_arrives_with_its_cards(page: Page, e2e_llm: FakeLLM) -> None:
    e2e_llm.then(
        Behaviour(
            tool_call={
                "name": "search_listings",
                "arguments": {"category": "property_rent_long", "district": "Girne", "bedrooms": 2},
            }
        ),
        Behaviour(text=["Here are some ", "flats in Girne. ", "Want me to narrow it down?"]),
    )
    send(page, "2 bed flat in Kyrenia under £800 a month")
    user = page.get_by_test_id("message-user").last
    expect(user).to_have_attribute("data-seq", re.compile(r"\d+"))
    reply = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(reply).to_contain_text("flats in Girne")
    cards = reply.get_by_test_id("rec-card")
    expect(cards.first).to_be_visible()
    assert 1 <= cards.count() <= 4
    expect(cards.first).to_contain_text("£")
    cards.first.focus()  # keyboard reachable
    expect(page.get_by_test_id("typing-indicator")).to_have_count(0)
    screenshot(page, "reply-with-cards")


def test_the_reply_is_visible_while_it_streams(page: Page, e2e_llm: FakeLLM) -> None:
    e2e_llm.then(Behaviour(text=[f"word{i} " for i in range(12)], piece_delay_secs=0.25))
    send(page, "tell me about the island")
    streaming = page.locator('[data-testid="message-assistant"][data-streaming]')
    expect(streaming).to_contain_text("word3")
    expect(page.get_by_test_id("typing-indicator")).to_be_visible()
    screenshot(page, "streaming")
    final = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(final).to_contain_text("word11")
    expect(streaming).to_have_count(0)
    expect(page.get_by_test_id("typing-indicator")).to_have_count(0)


def test_a_message_sent_offline_goes_out_once_when_back(page: Page) -> None:
    page.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    status = page.get_by_test_id("connection-status")
    expect(status).to_have_attribute("data-state", "offline")
    send(page, "hello from a tunnel")
    expect(page.get_by_test_id("message-user").last).to_contain_text("hello from a tunnel")
    screenshot(page, "offline")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_attribute("data-state", "connected")
    sent = page.locator('[data-testid="message-user"][data-seq]', has_text="hello from a tunnel")
    expect(sent).to_have_count(1)
    expect(page.locator('[data-testid="message-assistant"][data-seq]')).to_have_count(1)
    expect(page.get_by_test_id("message-user")).to_have_count(1)  # no duplicate


def test_the_session_survives_token_expiry(page: Page) -> None:
    send(page, "hello")
    expect(page.locator('[data-testid="message-assistant"][data-seq]')).to_have_count(1)
    time.sleep(ACCESS_TTL_SECS + 2)  # the first access token has expired
    status = page.get_by_test_id("connection-status")
    expect(status).to_have_attribute("data-state", "connected")
    send(page, "still there?")
    expect(page.locator('[data-testid="message-assistant"][data-seq]')).to_have_count(2)
    seqs = page.locator("[data-seq]").evaluate_all("els => els.map(e => Number(e.dataset.seq))")
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_reload_brings_back_the_history_and_its_cards(page: Page, e2e_llm: FakeLLM) -> None:
    e2e_llm.then(
        Behaviour(
            tool_call={
                "name": "search_listings",
                "arguments": {"category": "car_rental", "district": "Girne"},
            }
        ),
        Behaviour(text=["Some cars in Girne."]),
    )
    send(page, "rent a car in Kyrenia")
    expect(page.get_by_test_id("rec-card").first).to_be_visible()
    before = page.locator("[data-seq]").all_inner_texts()
    cards = page.get_by_test_id("rec-card").count()
    page.reload()
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(page.locator("[data-seq]")).to_have_count(len(before))
    assert page.locator("[data-seq]").all_inner_texts() == before
    expect(page.get_by_test_id("rec-card")).to_have_count(cards)


def test_stop_ends_the_reply_and_keeps_what_was_written(page: Page, e2e_llm: FakeLLM) -> None:
    e2e_llm.then(Behaviour(text=[f"part{i} " for i in range(40)], piece_delay_secs=0.15))
    send(page, "write me a long story")
    expect(page.locator('[data-testid="message-assistant"][data-streaming]')).to_contain_text(
        "part2"
    )
    page.get_by_test_id("composer-stop").click()
    final = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(final).to_contain_text("(stopped)")
    expect(final).not_to_contain_text("part39")
    expect(page.get_by_test_id("composer-stop")).to_have_count(0)
    screenshot(page, "stopped")


def test_a_failed_turn_shows_an_error_bubble_with_retry(page: Page, e2e_llm: FakeLLM) -> None:
    e2e_llm.then(Behaviour(text=["slow "] * 60, piece_delay_secs=0.5))  # past the deadline
    send(page, "this will take too long")
    error = page.get_by_test_id("message-error")
    expect(error).to_be_visible(timeout=20_000)
    expect(error).to_have_attribute("data-seq", re.compile(r"\d+"))
    expect(page.get_by_test_id("typing-indicator")).to_have_count(0)
    screenshot(page, "error")
    error.get_by_role("button", name="Retry").click()
    expect(page.locator('[data-testid="message-assistant"][data-seq]').last).to_be_visible()
