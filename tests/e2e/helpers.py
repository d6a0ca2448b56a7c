"""What the browser tests share: sending, replies with cards, axe-core's findings."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.fake_llm import Behaviour, FakeLLM

SERIOUS = ("serious", "critical")


def send(page: Page, text: str) -> None:
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("composer-input").press("Enter")


def last_reply(page: Page) -> Locator:
    return page.locator('[data-testid="message-assistant"][data-seq]').last


def reply_with_cards(
    page: Page, llm: FakeLLM, search: dict[str, Any], ask: str = "show me some"
) -> Locator:
    """Ask; the assistant answers with the cards of `search`. Returns the stored reply."""
    llm.then(
        Behaviour(tool_call={"name": "search_listings", "arguments": search}),
        Behaviour(text=["Here are **a few** ", "that fit:\n\n- close by\n- good value"]),
    )
    send(page, ask)
    reply = last_reply(page)
    expect(reply.get_by_test_id("rec-card").first).to_be_visible()
    return reply


def open_conversations(page: Page) -> None:
    """On a phone the list is a drawer: open it (on a desktop it is always there)."""
    toggle = page.get_by_test_id("threads-toggle")
    if toggle.is_visible():
        toggle.click()
    expect(page.get_by_test_id("new-thread")).to_be_visible()
    # slid all the way in, so a screenshot shows it whole (wait_for_function would need eval,
    # which the page's CSP refuses)
    drawer = page.locator("nav.threads")
    for _ in range(50):
        box = drawer.bounding_box()
        if box is not None and box["x"] >= 0:
            return
        page.wait_for_timeout(20)
    raise AssertionError("the conversation list did not slide in")


def axe_findings(page: Page) -> dict[str, Any]:
    """axe-core's run over the whole page: {"serious": [...], "other": n, "passes": n}."""
    results = page.evaluate("() => axe.run(document, { resultTypes: ['violations', 'passes'] })")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]
    return {
        "serious": serious,
        "other": len(results["violations"]) - len(serious),
        "passes": len(results["passes"]),
    }


def assert_accessible(page: Page, state: str) -> None:
    """No serious or critical axe-core violation in this state of the page."""
    found = axe_findings(page)
    size = page.viewport_size
    where = f"{size['width']}x{size['height']}" if size else "?"
    print(
        f"axe {state} at {where}: "
        f"{len(found['serious'])} serious/critical, {found['other']} minor, "
        f"{found['passes']} rules passed"
    )
    assert found["serious"] == [], found["serious"]
