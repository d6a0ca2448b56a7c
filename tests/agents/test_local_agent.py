"""The embedded agent end to end over the real catalog."""

from __future__ import annotations

import pytest

from agents.base import AgentRequest, FinalAnswer, HistoryMessage, TextPiece
from agents.local.agent import LocalAgent
from tests.agents.collect import collected

pytestmark = pytest.mark.django_db


def run(message: str, *earlier: str) -> tuple[list[str], FinalAnswer]:
    request = AgentRequest(
        thread_id="t",
        message=message,
        correlation_id="c",
        history=tuple(HistoryMessage("user", m) for m in earlier),
    )
    chunks = collected(LocalAgent().stream(request))
    final = chunks[-1]
    assert isinstance(final, FinalAnswer)
    return [c.text for c in chunks if isinstance(c, TextPiece)], final


def test_it_recommends_cards_that_keep_every_constraint() -> None:
    pieces, final = run("2 bed apartment in Kyrenia under £800 a month")
    assert len(pieces) > 1 and "2-bedroom" in "".join(pieces)
    assert 1 <= len(final.recommendations) <= 4
    for card in final.recommendations:
        assert card["category"] == "property_rent_long" and card["city"] == "Girne"
        assert card["metadata"]["bedrooms"] == 2 and card["metadata"]["kind"] == "apartment"
        assert (card["price"]["currency"], card["price"]["period"]) == ("GBP", "month")
        assert card["price"]["amount"] <= 800
        assert card["price_display"].startswith("£") and card["image_url"].endswith(".svg")


def test_it_asks_when_the_term_is_missing_and_gives_no_cards() -> None:
    pieces, final = run("I'd like to rent a villa")
    assert "long-term" in "".join(pieces) and final.recommendations == []


def test_small_talk_and_questions_get_no_cards() -> None:
    for message in ("hello!", "thanks", "do they drive on the left?"):
        _, final = run(message)
        assert final.recommendations == [], message
    pieces, _ = run("do they drive on the left?")
    assert "left" in "".join(pieces)


def test_it_says_so_when_nothing_matches() -> None:
    pieces, final = run("5 bedroom villa in Lefke to rent long term under £100 a month")
    assert final.recommendations == [] and "couldn't find" in "".join(pieces)
