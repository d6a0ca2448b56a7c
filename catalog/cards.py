"""A listing as the contract's recommendation card (RecItem), and as its detail page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from catalog.models import Listing
from catalog.pictures import PICTURE_COUNT, VIEW_NAMES

_SYMBOLS = {"GBP": "£", "EUR": "€", "TRY": "₺"}
_PERIOD_WORDS = {"month": "/month", "night": "/night", "day": "/day", "hour": "/hour"}


def price_display(amount: Decimal, currency: str, period: str | None, per_person: bool) -> str:
    number = f"{amount:,.0f}" if amount == amount.to_integral() else f"{amount:,.2f}"
    text = f"{_SYMBOLS.get(currency, currency + ' ')}{number}"
    if period:
        return text + _PERIOD_WORDS[period]
    return text + (" per person" if per_person else "")


def rec_item(listing: Listing) -> dict[str, Any]:
    amount = listing.price_amount
    metadata: dict[str, Any] = {"kind": listing.kind, **listing.attributes}
    if listing.bedrooms is not None:
        metadata["bedrooms"] = listing.bedrooms
    return {
        "id": str(listing.pk),
        "title": listing.title,
        "subtitle": f"{listing.area}, {listing.district}",
        "category": listing.category,
        "city": listing.district,
        "area": listing.area,
        "price": {
            "amount": int(amount) if amount == amount.to_integral() else float(amount),
            "currency": listing.price_currency,
            "period": listing.price_period,
        },
        "price_display": price_display(
            amount,
            listing.price_currency,
            listing.price_period,
            bool(listing.attributes.get("per_person")),
        ),
        "image_url": reverse("listing-image", args=[listing.pk]),
        "url": reverse("listing-detail", args=[listing.pk]),
        "badges": list(listing.badges),
        "metadata": metadata,
    }


# The facts that matter for each category, in the order a person reads them.
_FACTS = {
    "property_rent_long": ("property_type", "bedrooms", "furnished", "features"),
    "property_rent_short": ("property_type", "bedrooms", "furnished", "features"),
    "property_sale": ("property_type", "bedrooms", "furnished", "features"),
    "car_rental": ("model", "transmission", "seats"),
    "service": ("service_type",),
    "activity": ("activity_type", "duration_hours", "per_person"),
    "restaurant": ("cuisine", "hours", "per_person"),
}


def listing_facts(listing: Listing) -> list[dict[str, Any]]:
    """The category's facts this listing has, as `{key, value}` (the client words the key)."""
    known: dict[str, Any] = {**listing.attributes}
    if listing.bedrooms is not None:
        known["bedrooms"] = listing.bedrooms
    return [
        {"key": key, "value": known[key]}
        for key in _FACTS.get(listing.category, ())
        if known.get(key) is not None
    ]


def listing_detail(listing: Listing) -> dict[str, Any]:
    """The card, with what a detail page adds: the description, every picture and the facts."""
    return {
        **rec_item(listing),
        "description": listing.description,
        "images": [
            {"url": reverse("listing-picture", args=[listing.pk, view]), "view": VIEW_NAMES[view]}
            for view in range(PICTURE_COUNT)
        ],
        "facts": listing_facts(listing),
    }
