"""Reading single messages: places, money, sizes, people, time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from agents.local.en_to_slots import CAR, PROPERTY, RESTAURANT, SERVICE, Budget, read

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "district", "area"),
    [
        ("flat in Kyrenia", "Girne", None),
        ("flat in kyrena", "Girne", None),  # typo
        ("villa in GIRNE", "Girne", None),
        ("somewhere in Famagusta", "Gazimağusa", None),
        ("in magusa", "Gazimağusa", None),
        ("near Nicosia", "Lefkoşa", None),
        ("Trikomo please", "İskele", None),
        ("in Morphou", "Güzelyurt", None),
        ("catalkoy villa", "Girne", "Çatalköy"),
        ("a flat in long beach", "İskele", "Long Beach"),
        ("something in yeni erenkoy?", "İskele", "Yeni Erenköy"),
    ],
)
def test_it_reads_places_in_any_spelling(text: str, district: str, area: str | None) -> None:
    slots = read(text, TODAY).slots
    assert slots.get("district") == district and slots.get("area") == area


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("under £800 a month", Budget(Decimal(800), "GBP", "month")),
        ("max 1,200 pounds pcm", Budget(Decimal(1200), "GBP", "month")),
        ("budget 1.2k", Budget(Decimal(1200), "GBP", None)),
        ("€90/night", Budget(Decimal(90), "EUR", "night")),
        ("up to 15000 TL monthly", Budget(Decimal(15000), "TRY", "month")),
        ("around 600 quid a month", Budget(Decimal(600), "GBP", "month")),
        ("under 3 million TL", Budget(Decimal(3_000_000), "TRY", None)),
        ("250k", None),  # a bare number is no budget without a word saying so
        ("for 2 bedrooms", None),
    ],
)
def test_it_reads_budgets(text: str, budget: Budget | None) -> None:
    assert read(text, TODAY).slots.get("budget") == budget


def test_a_price_period_is_not_a_length_of_stay() -> None:
    slots = read("villa for £80 a night for 5 nights", TODAY).slots
    assert slots["budget"] == Budget(Decimal(80), "GBP", "night")
    assert slots["duration"] == {"amount": 5, "unit": "night"}
    assert "duration" not in read("a cleaner once a week", TODAY).slots


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("for 4 people", 4),
        ("2 adults and 2 kids", 4),
        ("a couple", 2),
        ("table for 6", 6),
        ("me and 2 mates", 3),
        ("for 1,200 pounds", None),
        ("we are three", 3),
    ],
)
def test_it_counts_people(text: str, party: int | None) -> None:
    assert read(text, TODAY).slots.get("party_size") == party


def test_it_reads_date_ranges_into_the_future() -> None:
    slots = read("from 12 to 19 July", TODAY).slots
    assert slots["dates"] == {"start": "2027-07-12", "end": "2027-07-19"}
    assert slots["duration"] == {"amount": 7, "unit": "night"}
    assert read("Dec 20 - Jan 3", TODAY).slots["dates"] == {
        "start": "2026-12-20",
        "end": "2027-01-03",
    }


@pytest.mark.parametrize(
    ("text", "family", "kind"),
    [
        ("rent a car", CAR, None),
        ("SUV rental in Kyrenia", CAR, "suv"),
        ("apartment with car parking", PROPERTY, "apartment"),
        ("cleaner for my villa", SERVICE, "cleaner"),
        ("my AC is leaking", SERVICE, "ac_repair"),
        ("fish restaurant", RESTAURANT, "fish"),
        ("restuarant for dinner", RESTAURANT, None),
        ("3+1 villa", PROPERTY, "villa"),
    ],
)
def test_it_tells_what_a_message_is_about(text: str, family: str, kind: str | None) -> None:
    reading = read(text, TODAY)
    assert reading.family == family and reading.slots.get("kind") == kind


def test_bedrooms_in_every_notation() -> None:
    for text, count in [
        ("2 bed", 2),
        ("two bedrooms", 2),
        ("3+1", 3),
        ("studio", 0),
        ("4-bedroom", 4),
        ("1br", 1),
    ]:
        assert read(text, TODAY).slots.get("bedrooms") == count, text
