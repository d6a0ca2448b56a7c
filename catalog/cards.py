"""A listing as the contract's recommendation card (RecItem)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from catalog.models import Listing

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
