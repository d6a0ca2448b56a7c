"""A card opens its listing inside the web chat: pictures, price, facts, an enquiry; the back
button returns to the conversation."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from catalog.models import Enquiry
from tests.e2e.conftest import off_the_browsers_loop, screenshot
from tests.e2e.helpers import reply_with_cards
from tests.fake_llm import FakeLLM


def test_a_card_opens_the_listing_and_back_returns_to_the_conversation(
    page: Page, e2e_llm: FakeLLM
) -> None:
    reply = reply_with_cards(page, e2e_llm, {"category": "property_rent_short", "bedrooms": 3})
    card = reply.get_by_test_id("rec-card").first
    title = card.locator("strong").inner_text()
    card.click()
    panel = page.get_by_test_id("listing-detail")
    expect(panel).to_have_attribute("data-state", "ready")
    expect(panel.get_by_role("heading", level=2)).to_have_text(title)
    expect(panel.get_by_test_id("listing-close")).to_be_focused()
    assert re.search(r"[?&]listing=\d+", page.url)
    pictures = panel.locator(".gallery img")
    expect(pictures).to_have_count(3)
    sources = pictures.evaluate_all("images => images.map(i => i.getAttribute('src'))")
    assert len(set(sources)) == 3
    expect(pictures.first).to_have_js_property("complete", True)
    assert pictures.first.evaluate("i => i.naturalWidth") > 0  # drawn and served, not broken
    expect(panel.get_by_test_id("listing-price")).to_contain_text("per night")
    facts = panel.get_by_test_id("listing-facts")
    expect(facts).to_contain_text("Bedrooms")
    expect(facts).to_contain_text("3")
    screenshot(page, "listing-detail")

    page.go_back()
    expect(panel).to_have_count(0)
    assert "listing=" not in page.url
    expect(card).to_be_focused()  # back where the person was
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")


def test_a_restaurant_shows_its_cuisine_and_hours(page: Page, e2e_llm: FakeLLM) -> None:
    reply = reply_with_cards(page, e2e_llm, {"category": "restaurant", "district": "Girne"})
    reply.get_by_test_id("rec-card").first.click()
    facts = page.get_by_test_id("listing-detail").get_by_test_id("listing-facts")
    expect(facts).to_contain_text("Cuisine")
    expect(facts).to_contain_text("Opening hours")
    page.get_by_test_id("listing-close").click()
    expect(page.get_by_test_id("listing-detail")).to_have_count(0)


def test_an_enquiry_is_stored_against_the_listing_and_confirmed(
    page: Page, e2e_llm: FakeLLM, person: str, django_db_blocker: Any
) -> None:
    reply = reply_with_cards(page, e2e_llm, {"category": "car_rental", "district": "Girne"})
    reply.get_by_test_id("rec-card").first.click()
    panel = page.get_by_test_id("listing-detail")
    expect(panel).to_have_attribute("data-state", "ready")
    listing_id = int(re.search(r"listing=(\d+)", page.url)[1])  # type: ignore[index]
    panel.get_by_test_id("enquiry-input").fill("Is it free from 3 to 10 June?")
    panel.get_by_test_id("enquiry-submit").click()
    expect(panel.get_by_test_id("enquiry-confirmation")).to_contain_text("Your enquiry was sent")
    stored = off_the_browsers_loop(
        django_db_blocker,
        lambda: list(
            Enquiry.objects.filter(person__username=person).values_list("listing_id", "message")
        ),
    )
    assert stored == [(listing_id, "Is it free from 3 to 10 June?")]
    screenshot(page, "enquiry-sent")

    page.reload()  # the address still names the listing: it opens again, with the enquiry
    expect(panel).to_have_attribute("data-state", "ready")
    expect(panel).to_contain_text("Is it free from 3 to 10 June?")
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    assert "listing=" not in page.url
