"""The conversation's state comes from its messages alone, turn after turn."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from agents.local.conversation import PROPERTY_RENT, RENT_LONG, conversation_after
from agents.local.en_to_slots import GENERAL_INFO, SMALL_TALK, Budget

TODAY = date(2026, 11, 26)


def test_a_later_message_refines_what_was_asked() -> None:
    state, intent = conversation_after(
        ["2 bed flat in Kyrenia under £800 a month", "thanks!", "what about Lapta?"], TODAY
    )
    assert intent == RENT_LONG
    assert state.slots["area"] == "Lapta" and state.slots["bedrooms"] == 2
    assert state.slots["budget"] == Budget(Decimal(800), "GBP", "month")


def test_an_unknown_term_is_asked_for_then_filled_in() -> None:
    state, intent = conversation_after(["i want to rent a place in alsancak"], TODAY)
    assert intent == PROPERTY_RENT
    state, intent = conversation_after(["i want to rent a place in alsancak", "long term"], TODAY)
    assert intent == RENT_LONG and state.slots["area"] == "Alsancak"


def test_switching_to_something_else_keeps_only_the_persons_own_facts() -> None:
    state, intent = conversation_after(
        ["3 bed villa in Bafra for 5 nights under £200 a night", "and a car too"], TODAY
    )
    assert intent == "car_rental"
    assert state.slots == {
        "area": "Bafra",
        "district": "İskele",
        "duration": {"amount": 5, "unit": "night"},
    }


def test_chat_and_questions_leave_the_search_alone() -> None:
    messages = ["villa in Esentepe long term", "hello", "is it safe there?"]
    state, intent = conversation_after(messages, TODAY)
    assert intent == GENERAL_INFO and state.intent == RENT_LONG
    assert conversation_after(["hi"], TODAY)[1] == SMALL_TALK


def test_a_bare_budget_takes_the_period_of_its_search() -> None:
    state, _ = conversation_after(["car hire in Nicosia, budget 40"], TODAY)
    assert state.resolved_slots()["budget"] == Budget(Decimal(40), "GBP", "day")
