"""The labelled conversations: the thresholds the agent must keep (run by `make test`)."""

from __future__ import annotations

import pytest

from agents.evaluation.run import card_violations, evaluate, load_dataset

pytestmark = pytest.mark.django_db


def test_the_agent_meets_its_evaluation_thresholds() -> None:
    items = load_dataset()
    assert len(items) >= 60
    report = evaluate(items)
    print(f"\nagent evaluation: {report.summary()}")  # shown with -s and in CI logs on failure
    assert report.intent_accuracy >= 0.95, report.mistakes
    assert report.slot_accuracy >= 0.95, report.mistakes
    assert report.cards > 0 and report.violating_cards == 0, report.mistakes


def test_the_violation_check_catches_a_broken_card() -> None:
    card = {
        "category": "property_rent_long",
        "city": "Girne",
        "area": "Lapta",
        "metadata": {"kind": "villa", "bedrooms": 3},
        "price": {"amount": 900, "currency": "GBP", "period": "month"},
    }
    slots = {
        "district": "Lefkoşa",
        "bedrooms": 2,
        "kind": "apartment",
        "budget": {"amount": 800, "currency": "GBP", "period": "month"},
    }
    assert card_violations(card, "property_rent_long", slots) == [
        "district",
        "kind",
        "bedrooms",
        "budget",
    ]
    assert card_violations(card, "property_rent_long", {"district": "Girne"}) == []
