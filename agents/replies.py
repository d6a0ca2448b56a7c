"""Turning the conversation's state into an answer: a question, or text with cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.knowledge import HELP, general_answer
from agents.memory import PROPERTY_RENT, RENT_LONG, RENT_SHORT, SALE, Conversation
from agents.understanding import GENERAL_INFO, SMALL_TALK, Budget
from catalog.cards import price_display, rec_item
from catalog.search import ListingQuery, listings_search

CARD_LIMIT = 4
_WHAT = {
    RENT_LONG: "long-term rentals",
    RENT_SHORT: "holiday rentals",
    SALE: "homes for sale",
    "car_rental": "hire cars",
    "service": "local pros",
    "activity": "activities",
    "restaurant": "restaurants",
}
_KIND_WORDS = {
    "ac_repair": "air-conditioning engineers",
    "boat_trip": "boat trips",
    "jeep_safari": "jeep safaris",
    "horse_riding": "horse riding",
    "wine_tasting": "wine tastings",
    "pool_maintenance": "pool services",
    "suv": "SUVs",
    "fish": "fish restaurants",
    "meze": "meze restaurants",
}
_DISTRICT_CHOICES = (
    "Girne (Kyrenia), Lefkoşa (Nicosia), Gazimağusa (Famagusta), İskele or Güzelyurt (Morphou)"
)


@dataclass(frozen=True)
class Answer:
    text: str
    cards: list[dict[str, Any]] = field(default_factory=list)


def answer(intent: str, state: Conversation, message: str) -> Answer:
    if intent == SMALL_TALK:
        return Answer(_small_talk(message))
    if intent == GENERAL_INFO:
        return Answer(general_answer(message))
    slots = state.resolved_slots()
    if intent == PROPERTY_RENT:
        return Answer(
            f"Happy to help you find a place{_place_phrase(slots)}. Are you after a long-term "
            "rental (paid monthly) or a holiday let (paid per night)?"
        )
    if intent in (RENT_LONG, RENT_SHORT, SALE) and not (
        slots.get("district") or slots.get("budget")
    ):
        return Answer(
            f"Let's find you {_WHAT[intent]}. Which area do you have in mind — "
            f"{_DISTRICT_CHOICES} — and what is your budget?"
        )
    return _recommend(intent, slots, state.features)


def listing_query(intent: str, slots: dict[str, Any], features: list[str]) -> ListingQuery:
    budget: Budget | None = slots.get("budget")
    return ListingQuery(
        category=intent,
        district=slots.get("district"),
        area=slots.get("area"),
        kind=slots.get("kind"),
        bedrooms=slots.get("bedrooms"),
        max_price=budget.amount if budget else None,
        currency=budget.currency if budget else None,
        period=budget.period if budget else None,
        text=" ".join(features),
        limit=CARD_LIMIT,
    )


def _recommend(intent: str, slots: dict[str, Any], features: list[str]) -> Answer:
    listings = listings_search(listing_query(intent, slots, features))
    looking_for = _describe(intent, slots)
    if not listings:
        return Answer(
            f"I couldn't find any {looking_for} right now. Would you like to raise the budget "
            "or look in a nearby area?"
        )
    best = listings[0]
    lines = [
        f"I found {len(listings)} {'match' if len(listings) == 1 else 'matches'}: {looking_for}.",
        f"The top match is {best.title} at "
        f"{price_display(best.price_amount, best.price_currency, best.price_period, bool(best.attributes.get('per_person')))}.",  # noqa: E501
        _follow_up(intent, slots),
    ]
    return Answer(" ".join(lines), [rec_item(listing) for listing in listings])


def _describe(intent: str, slots: dict[str, Any]) -> str:
    kind = slots.get("kind")
    what = _WHAT[intent]
    if kind:
        noun = _KIND_WORDS.get(kind, kind.replace("_", " ") + ("s" if intent != "activity" else ""))
        what = {"service": noun, "activity": noun, "restaurant": noun}.get(
            intent, f"{noun} ({what})"
        )
    if slots.get("bedrooms") is not None:
        rooms = slots["bedrooms"]
        what = f"{'studio' if rooms == 0 else f'{rooms}-bedroom'} {what}"
    budget: Budget | None = slots.get("budget")
    limit = ""
    if budget:
        shown = price_display(budget.amount, budget.currency, budget.period, False)
        limit = f" up to {shown}"
    return f"{what}{_place_phrase(slots)}{limit}"


def _place_phrase(slots: dict[str, Any]) -> str:
    if slots.get("area"):
        return f" in {slots['area']}, {slots['district']}"
    if slots.get("district"):
        return f" in {slots['district']}"
    return ""


def _follow_up(intent: str, slots: dict[str, Any]) -> str:
    if intent == RENT_SHORT and "dates" not in slots:
        return "Tell me your dates and how many of you are coming, and I'll narrow it down."
    if intent == "car_rental" and "duration" not in slots and "dates" not in slots:
        return "How many days do you need the car for?"
    if intent in (RENT_LONG, SALE) and "bedrooms" not in slots:
        return "How many bedrooms do you need?"
    if intent == "restaurant" and "party_size" not in slots:
        return "How many of you will be dining?"
    return "Want me to refine these by area, price or anything else?"


def _small_talk(message: str) -> str:
    text = message.lower()
    if any(w in text for w in ("thank", "cheers", "thx", "teşekkür")):
        return "You're welcome! Anything else I can find for you?"
    if any(w in text for w in ("bye", "good night", "see you")):
        return "Goodbye, and enjoy the island!"
    if "how are you" in text:
        return "I'm very well, thank you! What can I help you find today?"
    if any(w in text for w in ("who are you", "what can you do", "what are you", "bot")):
        return f"I'm the Easy Islanders assistant. {HELP}"
    return f"Hello! {HELP}"
