"""Finding listings: structured filters first (every stated constraint is a filter, never a
hint), then PostgreSQL full-text ranking of what is left, then price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, Max, Min, QuerySet, Value, When

from catalog.models import Listing


@dataclass(frozen=True)
class ListingQuery:
    category: str
    district: str | None = None
    area: str | None = None
    kind: str | None = None
    bedrooms: int | None = None
    max_price: Decimal | None = None
    currency: str | None = None
    period: str | None = None
    # Words to rank by ("sea view pool"); they order results, they do not exclude any.
    text: str = ""
    limit: int = 4
    # A badge whose listings come first ("Family friendly" when children are coming).
    prefer_badge: str | None = None


def listings_search(query: ListingQuery) -> list[Listing]:
    listings = _filtered(query)
    order: list[str] = []
    if query.prefer_badge:
        listings = listings.annotate(
            preferred=Case(
                When(badges__contains=[query.prefer_badge], then=Value(0)), default=Value(1)
            )
        )
        order.append("preferred")
    words = [w for w in query.text.split() if w.isalnum()]
    if words:
        ranking = SearchQuery(" | ".join(words), search_type="raw", config="english")
        listings = listings.annotate(rank=SearchRank(F("search_vector"), ranking))
        order.append("-rank")
    return list(listings.order_by(*order, "price_amount", "id")[: query.limit])


def _filtered(query: ListingQuery) -> QuerySet[Listing]:
    listings = Listing.objects.filter(category=query.category).defer("search_vector")
    if query.area:
        listings = listings.filter(area=query.area)
    elif query.district:
        listings = listings.filter(district=query.district)
    if query.kind:
        listings = listings.filter(kind=query.kind)
    if query.bedrooms is not None:
        listings = listings.filter(bedrooms=query.bedrooms)
    if query.max_price is not None:
        # A budget holds in its own currency and period, never converted.
        listings = listings.filter(
            price_amount__lte=query.max_price,
            price_currency=query.currency or "GBP",
            price_period=query.period,
        )
    return listings


def price_range(query: ListingQuery) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest price of the listings that fit the query's filters (its budget
    aside), in the query's currency; None when there are none."""
    listings = _filtered(
        ListingQuery(
            category=query.category,
            district=query.district,
            area=query.area,
            kind=query.kind,
            bedrooms=query.bedrooms,
        )
    ).filter(price_currency=query.currency or "GBP")
    found = listings.aggregate(low=Min("price_amount"), high=Max("price_amount"))
    if found["low"] is None:
        return None
    return found["low"], found["high"]
