"""A realistic, deterministic catalog for North Cyprus, generated from a few market facts.

Same code, same listings, same ids: the evaluation and the tests can rely on it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from catalog.models import Category, Listing
from catalog.places import AREAS

T = TypeVar("T")
SEED = 2026

# Monthly (long-term) and nightly (short-term) rent of a 2-bedroom home, GBP, by district.
LONG_RENT = {
    "Girne": (450, 1500),
    "Lefkoşa": (400, 1200),
    "Gazimağusa": (350, 1000),
    "İskele": (300, 900),
    "Güzelyurt": (280, 800),
}
SHORT_RENT = {
    "Girne": (40, 180),
    "Lefkoşa": (35, 150),
    "Gazimağusa": (30, 120),
    "İskele": (25, 100),
    "Güzelyurt": (25, 90),
}
EXTRA_BEDROOM = {"month": 100, "night": 15}
DISTRICT_WEIGHTS = {"Girne": 40, "Lefkoşa": 20, "Gazimağusa": 15, "İskele": 20, "Güzelyurt": 5}
# GBP → other currencies for the minority of listings priced in them.
RATES = {"GBP": 1.0, "EUR": 1.17, "TRY": 43.0}

HOME_KINDS = {"apartment": 50, "villa": 18, "bungalow": 14, "penthouse": 10, "studio": 8}
HOME_BEDROOMS = {
    "apartment": {1: 25, 2: 55, 3: 20},
    "penthouse": {2: 60, 3: 40},
    "bungalow": {2: 60, 3: 40},
    "villa": {3: 55, 4: 35, 5: 10},
    "studio": {0: 100},
}
CARS = {  # kind → (GBP per day range, example models)
    "economy": ((20, 45), ["Fiat Egea", "Renault Clio", "Hyundai i20", "Toyota Yaris"]),
    "compact": ((25, 55), ["VW Golf", "Ford Focus", "Toyota Corolla", "Honda Civic"]),
    "suv": ((45, 110), ["Nissan Qashqai", "Toyota RAV4", "Kia Sportage", "Hyundai Tucson"]),
    "convertible": ((60, 120), ["Mini Cooper Cabrio", "Mazda MX-5", "BMW 2 Cabrio"]),
    "minivan": ((50, 100), ["Ford Tourneo", "VW Caravelle", "Mercedes Vito"]),
    "luxury": ((90, 150), ["Mercedes E-Class", "BMW 5 Series", "Audi A6"]),
}
SERVICES = {  # kind → (GBP range, period, title words)
    "plumber": ((20, 45), "hour", "Plumbing & leak repairs"),
    "electrician": ((20, 50), "hour", "Electrician"),
    "cleaner": ((10, 20), "hour", "Home cleaning"),
    "handyman": ((15, 35), "hour", "Handyman services"),
    "ac_repair": ((25, 60), "hour", "Air conditioning service"),
    "gardener": ((10, 25), "hour", "Garden care"),
    "pool_maintenance": ((30, 60), "hour", "Pool cleaning & maintenance"),
    "movers": ((150, 600), None, "Removals & moving"),
    "lawyer": ((60, 150), "hour", "Property lawyer"),
    "accountant": ((40, 90), "hour", "Accountant"),
    "translator": ((20, 45), "hour", "Translation services"),
}
ACTIVITIES = {  # kind → (GBP per person range, title words)
    "diving": ((40, 90), "Scuba diving"),
    "snorkeling": ((20, 45), "Snorkeling trip"),
    "boat_trip": ((30, 80), "Boat trip"),
    "jeep_safari": ((35, 70), "Jeep safari"),
    "paragliding": ((70, 120), "Tandem paragliding"),
    "horse_riding": ((30, 60), "Horse riding"),
    "hiking": ((20, 45), "Guided hike"),
    "kayaking": ((25, 55), "Sea kayaking"),
    "wine_tasting": ((25, 60), "Wine tasting"),
    "yoga": ((10, 25), "Yoga class"),
}
RESTAURANTS = {  # kind → (GBP per person range, title words)
    "meze": ((15, 35), ["Meze House", "Meyhane", "Taverna"]),
    "fish": ((20, 50), ["Fish Restaurant", "Seafood Terrace", "Harbour Fish House"]),
    "kebab": ((8, 18), ["Kebab House", "Ocakbaşı", "Grill"]),
    "italian": ((15, 40), ["Trattoria", "Pizzeria", "Italian Kitchen"]),
    "cafe": ((6, 15), ["Café", "Coffee House", "Bakery Café"]),
    "steakhouse": ((25, 60), ["Steakhouse", "Grill & Steak"]),
    "sushi": ((20, 45), ["Sushi Bar", "Asian Kitchen"]),
    "vegetarian": ((10, 25), ["Green Kitchen", "Vegan Café"]),
}
RESTAURANT_HOURS = {  # kind → opening hours, every day
    "meze": "18:00–00:00",
    "fish": "12:00–23:00",
    "kebab": "11:00–23:00",
    "italian": "12:00–23:00",
    "cafe": "08:00–18:00",
    "steakhouse": "17:00–23:30",
    "sushi": "12:00–22:30",
    "vegetarian": "09:00–21:00",
}
HOME_FEATURES = [
    "sea view",
    "mountain view",
    "private pool",
    "communal pool",
    "garden",
    "fully furnished",
    "air conditioning",
    "parking",
    "pet friendly",
    "walking distance to the beach",
    "close to shops",
    "fibre internet",
]
ADJECTIVES = ["Sunny", "Modern", "Cosy", "Spacious", "Bright", "Stylish", "Quiet", "Elegant"]
COUNTS = {
    Category.PROPERTY_RENT_LONG: 700,
    Category.PROPERTY_RENT_SHORT: 500,
    Category.PROPERTY_SALE: 300,
    Category.CAR_RENTAL: 300,
    Category.SERVICE: 240,
    Category.ACTIVITY: 200,
    Category.RESTAURANT: 200,
}
AREAS_OF: dict[str, list[str]] = {}
for _area, _district in AREAS.items():
    AREAS_OF.setdefault(_district, []).append(_area)


@dataclass
class _Draft:
    category: str
    kind: str
    title: str
    description: str
    district: str
    area: str
    price_gbp: float
    period: str | None
    bedrooms: int | None = None
    attributes: dict[str, object] | None = None
    badges: list[str] | None = None


def _pick(rng: random.Random, weights: Mapping[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _place(rng: random.Random, weights: dict[str, int] | None = None) -> tuple[str, str]:
    district = _pick(rng, weights or DISTRICT_WEIGHTS)
    return district, rng.choice(AREAS_OF[district])


def _home(rng: random.Random, category: str) -> _Draft:
    district, area = _place(rng)
    kind = _pick(rng, HOME_KINDS)
    bedrooms = _pick(rng, HOME_BEDROOMS[kind])
    features = rng.sample(HOME_FEATURES, 3)
    if category == Category.PROPERTY_SALE:
        base = {
            "Girne": 120_000,
            "Lefkoşa": 95_000,
            "Gazimağusa": 85_000,
            "İskele": 80_000,
            "Güzelyurt": 70_000,
        }[district]
        price, period = base * (0.7 + 0.3 * max(bedrooms, 1)) * rng.uniform(0.8, 1.5), None
    else:
        period = "month" if category == Category.PROPERTY_RENT_LONG else "night"
        low, high = (LONG_RENT if period == "month" else SHORT_RENT)[district]
        price = rng.uniform(low, high) + (bedrooms - 2) * EXTRA_BEDROOM[period]
        price = min(max(price, low * 0.6), high + 2 * EXTRA_BEDROOM[period])
    size = "Studio" if bedrooms == 0 else f"{bedrooms}-bed {kind}"
    title = f"{rng.choice(ADJECTIVES)} {size} in {area}"
    if "sea view" in features:
        title += " with sea view"
    purpose = {"month": "long-term let", "night": "holiday rental", None: "for sale"}[period]
    description = (
        f"{size} {purpose} in {area}, {district}. "
        f"{features[0].capitalize()}, {features[1]} and {features[2]}. "
        f"{'Bills not included.' if period == 'month' else ''}"
    ).strip()
    badges = [
        b
        for b, on in (
            ("Sea view", "sea view" in features),
            ("Pool", "pool" in " ".join(features)),
            ("Pet friendly", "pet friendly" in features),
            ("Verified", rng.random() < 0.4),
        )
        if on
    ]
    attributes: dict[str, object] = {
        "property_type": kind,
        "features": features,
        "furnished": "fully furnished" in features,
    }
    return _Draft(
        category,
        kind,
        title,
        description,
        district,
        area,
        price,
        period,
        bedrooms,
        attributes,
        badges,
    )


def _car(rng: random.Random) -> _Draft:
    district, area = _place(rng)
    kind = rng.choice(list(CARS))
    (low, high), models = CARS[kind]
    model = rng.choice(models)
    transmission = rng.choice(["automatic", "automatic", "manual"])
    seats = 7 if kind == "minivan" else (4 if kind == "convertible" else 5)
    title = f"{model} ({transmission}) — {kind.replace('_', ' ')} car hire"
    description = (
        f"{kind.capitalize()} car for rent in {area}, {district}: {model}, "
        f"{transmission}, {seats} seats, air conditioning. Delivery to Ercan airport "
        "on request."
    )
    badges = [
        b
        for b, on in (
            ("Unlimited mileage", rng.random() < 0.5),
            ("Free airport delivery", rng.random() < 0.3),
        )
        if on
    ]
    return _Draft(
        Category.CAR_RENTAL,
        kind,
        title,
        description,
        district,
        area,
        rng.uniform(low, high),
        "day",
        None,
        {"model": model, "transmission": transmission, "seats": seats},
        badges,
    )


def _service(rng: random.Random) -> _Draft:
    district, area = _place(rng)
    kind = rng.choice(list(SERVICES))
    (low, high), period, words = SERVICES[kind]
    name = rng.choice(
        [
            "Island",
            "Kyrenia Coast",
            "Mesarya",
            "Blue Bay",
            "Five Finger",
            "Karpaz",
            "Olive Tree",
            "Harbour",
        ]
    )
    title = f"{name} {words} — {area}"
    description = (
        f"{words} in {area} and across {district}. English and Turkish spoken. "
        f"{rng.choice(['Same-day visits.', 'Fixed quotes.', 'Licensed and insured.'])}"
    )
    badges = [b for b, on in (("English speaking", True), ("Same day", rng.random() < 0.3)) if on]
    return _Draft(
        Category.SERVICE,
        kind,
        title,
        description,
        district,
        area,
        rng.uniform(low, high),
        period,
        None,
        {"service_type": kind},
        badges,
    )


def _activity(rng: random.Random) -> _Draft:
    district, area = _place(rng)
    kind = rng.choice(list(ACTIVITIES))
    (low, high), words = ACTIVITIES[kind]
    hours = rng.choice([2, 3, 4, 6])
    title = f"{words} from {area}"
    description = (
        f"{words} in {district}: about {hours} hours, starting from {area}. "
        "Price per person; equipment included."
    )
    return _Draft(
        Category.ACTIVITY,
        kind,
        title,
        description,
        district,
        area,
        rng.uniform(low, high),
        None,
        None,
        {"activity_type": kind, "duration_hours": hours, "per_person": True},
        ["Family friendly"] if rng.random() < 0.4 else [],
    )


def _restaurant(rng: random.Random) -> _Draft:
    district, area = _place(rng)
    kind = rng.choice(list(RESTAURANTS))
    (low, high), names = RESTAURANTS[kind]
    owner = rng.choice(
        [
            "Ali's",
            "Niazi's",
            "Sea Breeze",
            "Old Harbour",
            "Olive Garden",
            "Zeytin",
            "Mavi",
            "Lemon Tree",
            "Kybele",
            "Limon",
        ]
    )
    title = f"{owner} {rng.choice(names)}, {area}"
    description = (
        f"{kind.replace('_', ' ').capitalize()} restaurant in {area}, {district}. "
        f"{rng.choice(['Terrace with sea view.', 'Family run since 1985.', 'Live music on Fridays.', 'Garden seating.'])} "  # noqa: E501
        "Average price per person shown."
    )
    return _Draft(
        Category.RESTAURANT,
        kind,
        title,
        description,
        district,
        area,
        rng.uniform(low, high),
        None,
        None,
        {"cuisine": kind, "per_person": True, "hours": RESTAURANT_HOURS[kind]},
        ["Sea view"] if "sea view" in description else [],
    )


_MAKERS = {
    Category.PROPERTY_RENT_LONG: lambda rng: _home(rng, Category.PROPERTY_RENT_LONG),
    Category.PROPERTY_RENT_SHORT: lambda rng: _home(rng, Category.PROPERTY_RENT_SHORT),
    Category.PROPERTY_SALE: lambda rng: _home(rng, Category.PROPERTY_SALE),
    Category.CAR_RENTAL: _car,
    Category.SERVICE: _service,
    Category.ACTIVITY: _activity,
    Category.RESTAURANT: _restaurant,
}


def _priced(rng: random.Random, draft: _Draft) -> tuple[Decimal, str]:
    """Most listings are in GBP; some in EUR and TRY (sales and services: GBP only)."""
    currency = "GBP"
    if draft.category not in (Category.PROPERTY_SALE, Category.SERVICE):
        currency = _pick(rng, {"GBP": 85, "EUR": 10, "TRY": 5})
    amount = draft.price_gbp * RATES[currency]
    step = 1000 if draft.category == Category.PROPERTY_SALE else (5 if amount >= 200 else 1)
    return Decimal(max(step, round(amount / step) * step)), currency


def generate() -> Iterator[Listing]:
    rng = random.Random(SEED)
    next_id = 1
    for category, count in COUNTS.items():
        for _ in range(count):
            draft = _MAKERS[category](rng)
            amount, currency = _priced(rng, draft)
            yield Listing(
                id=next_id,
                category=draft.category,
                kind=draft.kind,
                title=draft.title,
                description=draft.description,
                district=draft.district,
                area=draft.area,
                price_amount=amount,
                price_currency=currency,
                price_period=draft.period,
                bedrooms=draft.bedrooms,
                attributes=draft.attributes or {},
                badges=draft.badges or [],
            )
            next_id += 1


def expected_count() -> int:
    return sum(COUNTS.values())


def seed_catalog(*, force: bool = False) -> int:
    """Write the generated catalog; a catalog of the expected size is left as it is."""
    if not force and Listing.objects.count() == expected_count():
        return 0
    with transaction.atomic():
        Listing.objects.all().delete()
        Listing.objects.bulk_create(generate(), batch_size=500)
        Listing.objects.update(
            search_vector=(
                SearchVector("title", weight="A", config="english")
                + SearchVector("kind", weight="A", config="english")
                + SearchVector("area", "district", weight="B", config="simple")
                + SearchVector("description", weight="C", config="english")
            )
        )
        with connection.cursor() as cursor:  # explicit ids: move the sequence past them
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('catalog_listing', 'id'), "
                "(SELECT MAX(id) FROM catalog_listing))"
            )
    return expected_count()
