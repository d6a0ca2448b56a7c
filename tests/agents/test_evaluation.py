"""The labelled conversations: the thresholds the agent must keep (run by `make test`)."""

from __future__ import annotations

import pytest

from agents.base import LANGUAGES
from agents.evaluation.run import DATASETS, card_violations, evaluate, language_of, load_dataset

pytestmark = pytest.mark.django_db


def test_the_agent_meets_its_evaluation_thresholds() -> None:
    items = load_dataset()
    assert len(items) >= 60
    report = evaluate(items)
    print(f"\nagent evaluation: {report.summary()}")  # shown with -s and in CI logs on failure
    assert report.intent_accuracy >= 0.95, report.mistakes
    assert report.slot_accuracy >= 0.95, report.mistakes
    assert report.cards > 0 and report.violating_cards == 0, report.mistakes


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_meets_the_thresholds(language: str) -> None:
    report = evaluate(load_dataset()).by_language[language]
    print(f"\n{language}: {report.summary()}")
    assert report.intent_accuracy >= 0.95, report.mistakes
    assert report.slot_accuracy >= 0.95, report.mistakes
    assert report.reply_language_accuracy >= 0.98, report.mistakes
    assert report.cards > 0 and report.violating_cards == 0, report.mistakes


def test_there_are_enough_conversations_in_each_language_and_a_blind_set() -> None:
    written_with_the_agent = load_dataset([p for p in DATASETS if "blind" not in p.name])
    for language in ("tr", "ru"):
        assert sum(i.get("language") == language for i in written_with_the_agent) >= 40
    blind = load_dataset([p for p in DATASETS if p.name == "dialogues_blind_languages.yaml"])
    assert {i["language"] for i in blind} == {"en", "tr", "ru"}


def test_the_reply_language_check_tells_the_languages_apart() -> None:
    assert language_of("I found 2 matches: villas in Girne, Gazimağusa.") == "en"
    assert language_of("Girne bölgesinde 2 sonuç buldum: villa.") == "tr"
    assert language_of("Нашёл 2 варианта: виллы в районе Girne.") == "ru"
    assert language_of("Hello! I can find long-term rentals in İskele.") == "en"


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
