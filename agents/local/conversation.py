"""What the conversation has established so far, rebuilt from the thread's own messages.

Nothing is kept in the process: each turn folds every earlier user message of the thread
(from the stored events) and then the new one, so any worker can run any turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from agents.local.en_to_slots import GENERAL_INFO, PROPERTY, SMALL_TALK, Budget, Reading, read
from catalog.search import ListingQuery, price_range

PROPERTY_RENT = "property_rent"  # a rental whose term (long or short) is not known yet
RENT_LONG, RENT_SHORT, SALE = "property_rent_long", "property_rent_short", "property_sale"
PROPERTY_INTENTS = {PROPERTY_RENT, RENT_LONG, RENT_SHORT, SALE}
CONVERSATIONAL = {SMALL_TALK, GENERAL_INFO}
# What a bare budget means in each kind of search.
DEFAULT_PERIOD = {RENT_LONG: "month", RENT_SHORT: "night", "car_rental": "day", "service": "hour"}
# Facts about the person's trip or move that hold whatever they look for next.
_PERSONAL_SLOTS = ("district", "area", "party_size", "dates", "duration", "with_kids")
# A budget a little above the dearest listing of a kind still means that kind; far above it,
# it does not: 500 is no nightly price for a flat, and 70 no monthly rent.
_STRETCH = Decimal("1.5")


@dataclass
class Conversation:
    intent: str | None = None  # the listing search under way, if any
    slots: dict[str, Any] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    deal: str | None = None  # "rent" or "sale", once the person said which
    # The kind of search read from the price rather than said ("500" for a flat: a monthly
    # rent); the reply says so, so the person can correct it in one message.
    assumed: str | None = None

    def resolved_slots(self) -> dict[str, Any]:
        """The slots with a budget's period made explicit by the search it belongs to."""
        slots = dict(self.slots)
        budget: Budget | None = slots.get("budget")
        if budget is not None and budget.period is None:
            slots["budget"] = replace(budget, period=DEFAULT_PERIOD.get(self.intent or ""))
        return slots


def conversation_after(user_messages: Sequence[str], today: date) -> tuple[Conversation, str]:
    """The conversation's state after these messages, and the intent of the last one."""
    state = Conversation()
    intent = SMALL_TALK
    for text in user_messages:
        intent = _apply(state, read(text, today))
    return state, intent


def _apply(state: Conversation, reading: Reading) -> str:
    if reading.conversational in CONVERSATIONAL and not reading.says_anything:
        return reading.conversational or SMALL_TALK
    if reading.deal:
        state.deal = reading.deal
    if reading.term or reading.deal or reading.family not in (None, PROPERTY):
        state.assumed = None  # said outright now, or a different search
    intent = _intent(reading, state.intent)
    if intent is None:
        if not reading.says_anything and state.intent is None:
            return GENERAL_INFO  # nothing to search for and nothing said: offer help
        intent = state.intent  # a refinement: "in Lapta instead", "what about 3 bedrooms?"
    if intent is not None and intent != state.intent:
        _change_search(state, state.intent, intent)
    state.intent = intent
    place_named = "district" in reading.slots
    if place_named and "area" not in reading.slots:
        state.slots.pop("area", None)
    state.slots.update(reading.slots)
    state.features = sorted(set(state.features) | set(reading.features))
    if state.intent == PROPERTY_RENT:
        inferred = intent_from_price(state)
        if inferred is not None:
            state.intent = intent = state.assumed = inferred
    return intent or GENERAL_INFO


def intent_from_price(state: Conversation) -> str | None:
    """The one kind of property search a bare budget fits, read against the catalog's own
    prices for what was asked (place, kind, bedrooms); None when it fits more than one."""
    budget: Budget | None = state.slots.get("budget")
    if budget is None or budget.period is not None:
        return None
    candidates = [RENT_LONG, RENT_SHORT] + ([SALE] if state.deal != "rent" else [])
    fitting = [c for c in candidates if _price_fits(c, state.slots, budget)]
    return fitting[0] if len(fitting) == 1 else None


def _price_fits(category: str, slots: dict[str, Any], budget: Budget) -> bool:
    # The narrowest description the catalog has prices for: with every stated filter, then
    # with fewer (a rare combination may have no listing in that currency).
    kind, bedrooms = slots.get("kind"), slots.get("bedrooms")
    district, area = slots.get("district"), slots.get("area")
    for query in (
        ListingQuery(category, district, area, kind, bedrooms, currency=budget.currency),
        ListingQuery(category, kind=kind, bedrooms=bedrooms, currency=budget.currency),
        ListingQuery(category, bedrooms=bedrooms, currency=budget.currency),
        ListingQuery(category, currency=budget.currency),
    ):
        found = price_range(query)
        if found is not None:
            low, high = found
            return low <= budget.amount <= high * _STRETCH
    return False


def _intent(reading: Reading, previous: str | None) -> str | None:
    if reading.family is None:
        if reading.term and previous in PROPERTY_INTENTS - {SALE}:
            return RENT_LONG if reading.term == "long" else RENT_SHORT
        return None
    if reading.family != PROPERTY:
        return reading.family
    if reading.deal == "sale":
        return SALE
    if reading.term:
        return RENT_LONG if reading.term == "long" else RENT_SHORT
    if previous in (RENT_LONG, RENT_SHORT) or (previous == SALE and reading.deal is None):
        return previous
    return PROPERTY_RENT


def _change_search(state: Conversation, old: str | None, new: str) -> None:
    if old == PROPERTY_RENT and new in PROPERTY_INTENTS:
        return  # the term was the missing piece: everything said still holds
    same_family = old in PROPERTY_INTENTS and new in PROPERTY_INTENTS
    kept = {
        k: v
        for k, v in state.slots.items()
        if k in _PERSONAL_SLOTS or (same_family and k in ("bedrooms", "kind"))
    }
    state.slots = kept
    if not same_family:
        state.features = []
