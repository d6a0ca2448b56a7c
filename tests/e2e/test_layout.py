"""The layout on a phone and on a desktop: the conversation list is a drawer on a phone and
beside the chat on a desktop; nothing makes the page scroll sideways; every control is at least
44 px square; the composer, the banner and the typing indicator stay on screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import is_phone, screenshot
from tests.e2e.helpers import open_conversations, reply_with_cards, send
from tests.fake_llm import Behaviour, FakeLLM

TOUCH_PX = 44


def test_the_list_is_a_drawer_on_a_phone_and_beside_the_chat_on_a_desktop(page: Page) -> None:
    new_thread = page.get_by_test_id("new-thread")
    toggle = page.get_by_test_id("threads-toggle")
    if not is_phone(page):
        expect(new_thread).to_be_visible()
        expect(toggle).to_be_hidden()
        return
    expect(new_thread).to_be_hidden()
    toggle.click()
    expect(new_thread).to_be_visible()
    expect(new_thread).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(new_thread).to_be_hidden()
    expect(toggle).to_be_focused()


def test_cards_stay_within_their_message_and_controls_are_big_enough(
    page: Page, e2e_llm: FakeLLM
) -> None:
    reply = reply_with_cards(page, e2e_llm, {"category": "car_rental"})
    cards = reply.locator(".cards")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    bubble = reply.bounding_box()
    assert bubble is not None and bubble["x"] >= 0 and bubble["x"] + bubble["width"] <= width
    if is_phone(page):  # the row of cards scrolls sideways inside the message
        assert cards.evaluate("c => c.scrollWidth > c.clientWidth")
    assert small_controls(page) == []
    open_conversations(page)  # the list, with a conversation's rename and delete
    assert small_controls(page) == []
    if is_phone(page):
        page.keyboard.press("Escape")
    reply.get_by_test_id("rec-card").first.click()  # a listing, with its enquiry form
    expect(page.get_by_test_id("listing-detail")).to_have_attribute("data-state", "ready")
    assert small_controls(page) == []


def small_controls(page: Page) -> list[str]:
    """The controls on screen smaller than a fingertip (TOUCH_PX square)."""
    found: list[str] = page.evaluate(
        """(px) => [...document.querySelectorAll('button, textarea, input, select, a.card')]
            .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
            .map((e) => [e.dataset.testid || e.textContent.trim().slice(0, 20),
                         e.getBoundingClientRect()])
            .filter(([, r]) => r.width < px || r.height < px)
            .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TOUCH_PX,
    )
    return found


def test_the_composer_banner_and_typing_stay_on_screen_when_the_view_shrinks(
    page: Page, e2e_llm: FakeLLM
) -> None:
    for i in range(6):  # enough messages to scroll
        e2e_llm.then(Behaviour(text=[f"Answer {i}. " * 12]))
        send(page, f"question {i}")
        expect(page.locator('[data-testid="message-assistant"][data-seq]')).to_have_count(i + 1)
    e2e_llm.then(Behaviour(text=[f"word{i} " for i in range(30)], piece_delay_secs=0.2))
    size = page.viewport_size
    assert size is not None
    # an on-screen keyboard takes the bottom of the screen: the app follows the visual viewport
    page.set_viewport_size({"width": size["width"], "height": size["height"] // 2})
    send(page, "one more")
    expect(page.get_by_test_id("typing-indicator")).to_be_visible()
    height = size["height"] // 2
    for testid in ("composer-input", "connection-status", "typing-indicator"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, testid
    last = page.locator('[data-testid="message-assistant"]').last
    expect(last).to_be_in_viewport()  # the newest message is scrolled into view
    screenshot(page, "keyboard-open")
    expect(page.get_by_test_id("typing-indicator")).to_have_count(0, timeout=15_000)


def test_a_person_who_scrolled_up_to_read_is_left_there_and_followed_again_at_the_bottom(
    page: Page, e2e_llm: FakeLLM
) -> None:
    for i in range(4):  # enough to scroll
        e2e_llm.then(Behaviour(text=[f"Answer {i}. " * 30]))
        send(page, f"question {i}")
        expect(page.locator('[data-testid="message-assistant"][data-seq]')).to_have_count(i + 1)
    e2e_llm.then(Behaviour(text=[f"line{i}\n\n" for i in range(40)], piece_delay_secs=0.1))
    send(page, "one more")
    streaming = page.locator('[data-testid="message-assistant"][data-streaming="true"]')
    expect(streaming).to_contain_text("line3")
    messages = page.locator("ol.messages")
    messages.hover()
    page.mouse.wheel(0, -5000)  # up, to read an earlier answer
    page.wait_for_function("m => m.scrollTop < 100", arg=messages.element_handle())
    reading = messages.evaluate("m => m.scrollTop")
    expect(streaming).to_contain_text("line15")  # the reply grows below, unseen
    assert messages.evaluate("m => m.scrollTop") == reading
    expect(streaming).not_to_be_in_viewport()
    page.mouse.wheel(0, 100_000)  # back to the bottom: the reply is followed again
    expect(streaming).to_contain_text("line25")
    expect(streaming).to_be_in_viewport()
    last = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(last).to_contain_text("line39", timeout=15_000)
    expect(last).to_be_in_viewport()
