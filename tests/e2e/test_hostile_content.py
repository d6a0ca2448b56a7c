"""Script-bearing text in messages, replies and card fields is shown as text, never run, and
the page works under its Content-Security-Policy without a single violation."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from catalog.models import Listing
from tests.e2e.conftest import off_the_browsers_loop
from tests.e2e.helpers import send
from tests.fake_llm import Behaviour, FakeLLM

HOSTILE_TITLE = "<img src=x onerror=\"window.__pwned='title'\">Fiat Panda"
HOSTILE_AREA = "<script>window.__pwned='area'</script>Lefke"
HOSTILE_MESSAGE = (
    "<img src=x onerror=\"window.__pwned='message'\"> car hire in Morphou under £2 a day"
)
HOSTILE_BADGE = "<b onmouseover=\"window.__pwned='badge'\">deal</b>"


@pytest.fixture
def hostile_listing(django_db_blocker: Any) -> Iterator[Listing]:
    listing = off_the_browsers_loop(
        django_db_blocker,
        lambda: Listing.objects.create(
            category="car_rental",
            kind="economy",
            title=HOSTILE_TITLE,
            description="cheap",
            district="Güzelyurt",
            area=HOSTILE_AREA,
            price_amount=Decimal("1"),
            price_currency="GBP",
            price_period="day",
            badges=[HOSTILE_BADGE],
        ),
    )
    yield listing
    off_the_browsers_loop(django_db_blocker, listing.delete)


def test_hostile_text_and_cards_render_as_text(
    page: Page, e2e_llm: FakeLLM, hostile_listing: Listing
) -> None:
    policy_violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            policy_violations.append(message.text)

    page.on("console", watch)
    search = {"category": "car_rental", "district": "Güzelyurt", "max_price": 2, "period": "day"}
    e2e_llm.then(
        Behaviour(tool_call={"name": "search_listings", "arguments": search}),
        Behaviour(text=["<script>window.__pwned='reply'</script>", " Here is one."]),
    )
    send(page, HOSTILE_MESSAGE)

    expect(page.get_by_test_id("message-user").last).to_contain_text("onerror=")
    reply = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(reply).to_contain_text("<script>window.__pwned='reply'</script>")
    card = reply.get_by_test_id("rec-card").first
    expect(card).to_contain_text(HOSTILE_TITLE)
    expect(card).to_contain_text("<script>")
    card.hover()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x'], script:not([src]), b[onmouseover]").count() == 0
    assert policy_violations == []
