"""The conversation's state (intent and slots) → the answer: a question, or text with cards,
in the person's language (agents.local.reply_texts holds every sentence in English, Turkish
and Russian)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.local.conversation import PROPERTY_RENT, RENT_LONG, RENT_SHORT, SALE, Conversation
from agents.local.en_to_slots import GENERAL_INFO, SMALL_TALK, Budget
from agents.local.question_to_answer import general_answer
from agents.local.reply_texts import EN, RU, TR, kind_name, plural_key, price_text, text, what
from agents.local.tokens import fold
from catalog.cards import rec_item
from catalog.search import ListingQuery, listings_search

CARD_LIMIT = 4


@dataclass(frozen=True)
class Answer:
    text: str
    cards: list[dict[str, Any]] = field(default_factory=list)


def answer(intent: str, state: Conversation, message: str, language: str = EN) -> Answer:
    if intent == SMALL_TALK:
        return Answer(_small_talk(message, language))
    if intent == GENERAL_INFO:
        return Answer(general_answer(message, language))
    slots = state.resolved_slots()
    if intent == PROPERTY_RENT:
        return Answer(text(language, "ask_term", place=_place_phrase(slots, language)))
    if intent in (RENT_LONG, RENT_SHORT, SALE) and not (
        slots.get("district") or slots.get("budget")
    ):
        return Answer(
            text(
                language,
                "ask_place_budget",
                what=what(language, intent),
                districts=text(language, "districts"),
            )
        )
    return _recommend(intent, state, slots, language)


# Children coming: activities fit for families come first (a preference, not a filter).
FAMILY_BADGE = "Family friendly"


def listing_query(intent: str, slots: dict[str, Any], features: list[str]) -> ListingQuery:
    budget: Budget | None = slots.get("budget")
    family = intent == "activity" and bool(slots.get("with_kids"))
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
        prefer_badge=FAMILY_BADGE if family else None,
    )


def _recommend(intent: str, state: Conversation, slots: dict[str, Any], language: str) -> Answer:
    listings = listings_search(listing_query(intent, slots, state.features))
    looking_for = _describe(intent, slots, language)
    if not listings:
        return Answer(text(language, "none_found", looking_for=looking_for))
    best = listings[0]
    best_price = price_text(
        best.price_amount,
        best.price_currency,
        best.price_period,
        bool(best.attributes.get("per_person")),
        language,
    )
    count = len(listings)
    lines = [
        text(
            language,
            "found",
            count=count,
            matches=text(language, plural_key(language, count)),
            looking_for=looking_for,
        ),
        text(language, "top", title=best.title, price=best_price),
    ]
    budget: Budget | None = slots.get("budget")
    if state.assumed and budget is not None:
        shown = price_text(budget.amount, budget.currency, None, False, language)
        lines.append(text(language, f"assumed_{state.assumed}", budget=shown))
    if intent == "activity" and slots.get("with_kids") and FAMILY_BADGE in best.badges:
        lines.append(text(language, "assumed_family"))
    lines.append(_follow_up(intent, slots, language))
    return Answer(" ".join(lines), [rec_item(listing) for listing in listings])


def _describe(intent: str, slots: dict[str, Any], language: str) -> str:
    kind = slots.get("kind")
    looked_for = what(language, intent)
    if kind:
        noun = kind_name(language, kind, intent)
        looked_for = (
            noun if intent in ("service", "activity", "restaurant") else (f"{noun} ({looked_for})")
        )
    rooms = None if kind == "studio" else slots.get("bedrooms")  # a studio says its size
    budget: Budget | None = slots.get("budget")
    limit = ""
    if budget:
        shown = price_text(budget.amount, budget.currency, budget.period, False, language)
        limit = text(language, "up_to", price=shown)
    place = _place_phrase(slots, language)
    if language == TR:  # Turkish puts the place and the size before the noun
        size = "" if rooms is None else _rooms(rooms, language) + " "
        return f"{place.strip()} {size}{looked_for}{limit}".strip()
    if language == RU:  # "квартиры, спален: 2 (долгосрочная аренда) в районе Girne, до £800/мес"
        noun, _, category = looked_for.partition(" (")
        size = "" if rooms is None else f", {_rooms(rooms, language)}"
        category = f" ({category}" if category else ""
        return f"{noun}{size}{category}{place}{limit}"
    if rooms is not None:
        looked_for = f"{_rooms(rooms, language)} {looked_for}"
    return f"{looked_for}{place}{limit}"


def _rooms(rooms: int, language: str) -> str:
    return text(language, "studio") if rooms == 0 else text(language, "bedrooms", count=rooms)


def _place_phrase(slots: dict[str, Any], language: str) -> str:
    if slots.get("area"):
        return text(language, "in_area", area=slots["area"], district=slots["district"])
    if slots.get("district"):
        return text(language, "in_district", district=slots["district"])
    return ""


def _follow_up(intent: str, slots: dict[str, Any], language: str) -> str:
    if intent == RENT_SHORT and "dates" not in slots:
        return text(language, "follow_dates")
    if intent == "car_rental" and "duration" not in slots and "dates" not in slots:
        return text(language, "follow_days")
    if intent in (RENT_LONG, SALE) and "bedrooms" not in slots:
        return text(language, "follow_bedrooms")
    if intent == "restaurant" and "party_size" not in slots:
        return text(language, "follow_party")
    return text(language, "follow_refine")


_THANKS = ("thank", "cheers", "thx", "tesekkur", "sagol", "eyvallah", "спасибо", "благодар", "спс")
_BYE = ("bye", "good night", "see you", "gorusuruz", "hosca", "пока", "до свидания")
_HOW = ("how are you", "nasilsin", "naber", "как дела", "как ты")
_WHO = (
    "who are you",
    "what can you do",
    "what are you",
    "bot",
    "kimsin",
    "ne yapabilirsin",
    "кто ты",
    "кто вы",
    "что ты умеешь",
    "бот",
)


def _small_talk(message: str, language: str) -> str:
    said = fold(message)
    if any(w in said for w in _THANKS):
        return text(language, "welcome")
    if any(w in said for w in _BYE):
        return text(language, "goodbye")
    if any(w in said for w in _HOW):
        return text(language, "how_are_you")
    if any(w in said for w in _WHO):
        return text(language, "who", help=text(language, "help"))
    return text(language, "hello", help=text(language, "help"))
