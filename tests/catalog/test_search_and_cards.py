"""Search applies every constraint as a filter; cards follow the contract's RecItem."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from catalog.cards import rec_item
from catalog.search import ListingQuery, listings_search

pytestmark = pytest.mark.django_db

RECITEM_KEYS = {
    "id",
    "title",
    "subtitle",
    "category",
    "city",
    "area",
    "price",
    "price_display",
    "image_url",
    "url",
    "badges",
    "metadata",
}


def test_every_filter_holds_and_cheapest_comes_first() -> None:
    query = ListingQuery(
        category="property_rent_short",
        district="Girne",
        bedrooms=2,
        max_price=Decimal(120),
        currency="GBP",
        period="night",
        limit=10,
    )
    found = listings_search(query)
    assert found
    assert all(
        x.district == "Girne"
        and x.bedrooms == 2
        and x.price_amount <= 120
        and x.price_currency == "GBP"
        and x.price_period == "night"
        for x in found
    )
    prices = [x.price_amount for x in found]
    assert prices == sorted(prices)


def test_a_budget_never_crosses_currencies() -> None:
    found = listings_search(
        ListingQuery(
            category="car_rental", max_price=Decimal(40), currency="EUR", period="day", limit=50
        )
    )
    assert found and {x.price_currency for x in found} == {"EUR"}


def test_wishes_rank_without_excluding() -> None:
    plain = listings_search(
        ListingQuery(category="property_rent_long", district="Girne", limit=100)
    )
    ranked = listings_search(
        ListingQuery(category="property_rent_long", district="Girne", text="sea view", limit=100)
    )
    assert len(ranked) == len(plain)
    assert "sea view" in (ranked[0].title + ranked[0].description).lower()


def test_a_card_is_a_recitem() -> None:
    listing = listings_search(ListingQuery(category="property_rent_long", bedrooms=2))[0]
    card = rec_item(listing)
    assert set(card) == RECITEM_KEYS
    assert set(card["price"]) == {"amount", "currency", "period"}
    assert isinstance(card["price"]["amount"], int | float)
    assert card["metadata"]["bedrooms"] == 2
    assert card["city"] in {"Girne", "Lefkoşa", "Gazimağusa", "İskele", "Güzelyurt"}


def test_a_cards_image_is_a_local_svg() -> None:
    listing = listings_search(ListingQuery(category="restaurant"))[0]
    response = Client(HTTP_HOST="127.0.0.1").get(rec_item(listing)["image_url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and b"http" not in response.content.replace(
        b"http://www.w3.org/2000/svg", b""
    )
