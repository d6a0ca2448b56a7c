"""Accessibility: axe-core finds no serious or critical violation on the log-in page, the
conversation, a listing, offline and in error; a keyboard alone logs in, sends, stops, opens
a card and closes it; replies are announced to screen readers."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import (
    assert_accessible,
    axe_findings,
    last_reply,
    open_conversations,
    reply_with_cards,
    send,
)
from tests.fake_llm import Behaviour, FakeLLM


def test_the_log_in_page_and_its_error(fresh_page: Page) -> None:
    page = fresh_page
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    assert_accessible(page, "login")
    page.get_by_test_id("login-username").fill("nobody-here")
    page.get_by_test_id("login-password").fill("wrong")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    assert_accessible(page, "login error")


def test_the_conversation_and_the_conversation_list(page: Page, e2e_llm: FakeLLM) -> None:
    reply_with_cards(page, e2e_llm, {"category": "property_sale", "district": "İskele"})
    assert_accessible(page, "conversation with cards")
    open_conversations(page)
    assert_accessible(page, "conversation list")


def test_a_listing(page: Page, e2e_llm: FakeLLM) -> None:
    reply = reply_with_cards(page, e2e_llm, {"category": "activity"})
    reply.get_by_test_id("rec-card").first.click()
    panel = page.get_by_test_id("listing-detail")
    expect(panel).to_have_attribute("data-state", "ready")
    assert_accessible(page, "listing detail")
    panel.get_by_test_id("enquiry-input").fill("Is there a morning trip?")
    panel.get_by_test_id("enquiry-submit").click()
    expect(panel.get_by_test_id("enquiry-confirmation")).to_contain_text("sent")
    assert_accessible(page, "listing detail, enquiry sent")


def test_offline(page: Page) -> None:
    page.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "offline")
    send(page, "waiting for the signal")
    expect(page.get_by_test_id("message-user").last).to_contain_text("waiting")
    assert_accessible(page, "offline")
    page.context.set_offline(False)


def test_a_failed_turn(page: Page, e2e_llm: FakeLLM) -> None:
    e2e_llm.then(Behaviour(text=["slow "] * 60, piece_delay_secs=0.5))  # past the deadline
    send(page, "this will take too long")
    expect(page.get_by_test_id("message-error")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("announcer")).to_contain_text("The reply failed")
    assert_accessible(page, "failed turn")


def test_the_keyboard_alone_logs_in_sends_stops_and_opens_a_card(
    fresh_page: Page, person: str, e2e_llm: FakeLLM
) -> None:
    page = fresh_page
    keyboard = page.keyboard
    keyboard.press("Tab")
    expect(page.get_by_test_id("login-username")).to_be_focused()
    keyboard.type(person)
    keyboard.press("Tab")
    keyboard.type(PASSWORD)
    keyboard.press("Enter")
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    composer = page.get_by_test_id("composer-input")
    expect(composer).to_be_focused()

    e2e_llm.then(Behaviour(text=[f"part{i} " for i in range(40)], piece_delay_secs=0.15))
    keyboard.type("write me a long story")
    keyboard.press("Enter")
    expect(page.locator('[data-testid="message-assistant"][data-streaming]')).to_contain_text(
        "part2"
    )
    expect(page.get_by_test_id("announcer")).to_contain_text("The assistant is replying")
    keyboard.press("Tab")
    expect(page.get_by_test_id("composer-stop")).to_be_focused()
    keyboard.press("Enter")
    expect(last_reply(page)).to_contain_text("(stopped)")
    expect(page.get_by_test_id("announcer")).to_contain_text("Reply stopped")
    expect(composer).to_be_focused()

    e2e_llm.then(
        Behaviour(tool_call={"name": "search_listings", "arguments": {"category": "car_rental"}}),
        Behaviour(text=["Some cars."]),
    )
    keyboard.type("a hire car")
    keyboard.press("Enter")
    expect(last_reply(page).get_by_test_id("rec-card").first).to_be_visible()
    expect(page.get_by_test_id("announcer")).to_contain_text("The assistant replied: Some cars.")
    for _ in range(12):  # back up from the composer into the reply's cards
        keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "rec-card":
            break
    card = page.locator('[data-testid="rec-card"]:focus')
    expect(card).to_have_count(1)
    keyboard.press("Enter")
    panel = page.get_by_test_id("listing-detail")
    expect(panel).to_have_attribute("data-state", "ready")
    expect(page.get_by_test_id("listing-close")).to_be_focused()
    keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(card).to_be_focused()


def test_the_check_itself_finds_a_violation(fresh_page: Page) -> None:
    """A planted image with no text alternative and an unnamed button: axe must object, so the
    checks above can fail."""
    fresh_page.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = '/media/listings/1.svg';
            const button = document.createElement('button');
            document.querySelector('form').append(img, button);
        }"""
    )
    found = axe_findings(fresh_page)
    assert any(f.startswith("image-alt ") for f in found["serious"]), found
    assert any(f.startswith("button-name ") for f in found["serious"]), found
