"""The generated catalog follows the market facts it is built from."""

from __future__ import annotations

import pytest
from django.db.models import Count, Max, Min

from catalog.models import Listing
from catalog.seed import LONG_RENT, SHORT_RENT, expected_count, generate, seed_catalog

pytestmark = pytest.mark.django_db


def test_it_is_large_and_deterministic() -> None:
    assert expected_count() >= 2000
    first, second = list(generate()), list(generate())
    assert [(x.pk, x.title, x.price_amount) for x in first] == [
        (y.pk, y.title, y.price_amount) for y in second
    ]
    assert Listing.objects.count() == expected_count()
    assert seed_catalog() == 0  # already there: left alone


@pytest.mark.parametrize(
    ("category", "period", "ranges"),
    [("property_rent_long", "month", LONG_RENT), ("property_rent_short", "night", SHORT_RENT)],
)
def test_two_bedroom_rents_stay_in_their_districts_ranges(
    category: str, period: str, ranges: dict[str, tuple[int, int]]
) -> None:
    rows = (
        Listing.objects.filter(category=category, bedrooms=2, price_currency="GBP")
        .values("district")
        .annotate(low=Min("price_amount"), high=Max("price_amount"))
    )
    for row in rows:
        low, high = ranges[row["district"]]
        assert low * 0.6 <= row["low"] and row["high"] <= high, row
    assert set(
        Listing.objects.filter(category=category).values_list("price_period", flat=True)
    ) == {period}


def test_it_is_mostly_two_bedroom_homes_and_half_apartments() -> None:
    homes = Listing.objects.filter(category__startswith="property")
    by_bedrooms = dict(homes.values_list("bedrooms").annotate(n=Count("id")))
    assert max(by_bedrooms, key=lambda k: by_bedrooms[k]) == 2
    apartments = homes.filter(kind="apartment").count() / homes.count()
    assert 0.4 <= apartments <= 0.6


def test_cars_cost_20_to_150_pounds_a_day() -> None:
    cars = Listing.objects.filter(category="car_rental", price_currency="GBP")
    assert cars.aggregate(low=Min("price_amount"))["low"] >= 20
    assert cars.aggregate(high=Max("price_amount"))["high"] <= 150
    assert set(cars.values_list("price_period", flat=True)) == {"day"}
