"""A listing's detail: its pictures differ by category and kind, its facts by category; the
caller's enquiries are stored against the listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.http import Http404
from django.test import Client

from catalog.cards import listing_detail, listing_facts
from catalog.enquiries import enquiries_of, enquiry_create
from catalog.models import Enquiry, Listing
from catalog.pictures import PICTURE_COUNT, listing_picture

pytestmark = pytest.mark.django_db


def first(category: str, kind: str) -> Listing:
    listing = Listing.objects.filter(category=category, kind=kind).order_by("pk").first()
    assert listing is not None, (category, kind)
    return listing


def test_every_picture_is_well_formed_local_svg() -> None:
    for listing in Listing.objects.order_by("category", "kind").distinct("category", "kind"):
        for view in range(PICTURE_COUNT):
            svg = listing_picture(listing, view)
            root = ElementTree.fromstring(svg)  # well-formed, or this raises
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_a_car_a_villa_and_a_restaurant_look_different() -> None:
    car = first("car_rental", "suv")
    villa = first("property_rent_short", "villa")
    restaurant = first("restaurant", "fish")
    shapes = {
        name: _shapes(listing_picture(listing, 0))
        for name, listing in (("car", car), ("villa", villa), ("restaurant", restaurant))
    }
    assert len({tuple(s) for s in shapes.values()}) == 3
    # and kinds within a category differ too
    assert _shapes(listing_picture(first("car_rental", "minivan"), 0)) != shapes["car"]
    assert _shapes(listing_picture(first("property_rent_long", "apartment"), 0)) != _shapes(
        listing_picture(first("property_rent_long", "villa"), 0)
    )


def test_a_listing_has_several_different_pictures() -> None:
    villa = first("property_sale", "villa")
    pictures = {listing_picture(villa, view) for view in range(PICTURE_COUNT)}
    assert PICTURE_COUNT >= 3 and len(pictures) == PICTURE_COUNT


def test_a_picture_is_served_and_a_missing_one_is_404() -> None:
    villa = first("property_sale", "villa")
    http = Client(HTTP_HOST="127.0.0.1")
    for image in listing_detail(villa)["images"]:
        response = http.get(image["url"])
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert http.get(f"/media/listings/{villa.pk}/{PICTURE_COUNT}.svg").status_code == 404
    assert http.get("/media/listings/999999999/0.svg").status_code == 404


def test_the_facts_are_the_categorys() -> None:
    def keys(listing: Listing) -> list[str]:
        return [fact["key"] for fact in listing_facts(listing)]

    assert keys(first("property_rent_long", "apartment"))[:3] == [
        "property_type",
        "bedrooms",
        "furnished",
    ]
    assert keys(first("car_rental", "economy")) == ["model", "transmission", "seats"]
    restaurant = listing_facts(first("restaurant", "cafe"))
    assert {"key": "hours", "value": "08:00–18:00"} in restaurant
    assert {"key": "cuisine", "value": "cafe"} in restaurant


def test_the_detail_is_the_card_and_more() -> None:
    detail = listing_detail(first("activity", "diving"))
    assert {"description", "images", "facts", "price_display", "image_url"} <= set(detail)
    assert [image["view"] for image in detail["images"]] == ["outside", "inside", "map"]


def test_an_enquiry_is_stored_against_the_listing_and_only_its_author_reads_it(
    make_user: Callable[..., Any],
) -> None:
    author, other = make_user(), make_user()
    listing = first("car_rental", "economy")
    enquiry = enquiry_create(author.pk, listing.pk, "  Is it free next week?  ")
    assert Enquiry.objects.get(pk=enquiry.pk).message == "Is it free next week?"
    assert [e.pk for e in enquiries_of(author.pk, listing.pk)] == [enquiry.pk]
    assert list(enquiries_of(other.pk, listing.pk)) == []
    with pytest.raises(Http404):
        enquiry_create(author.pk, 999_999_999, "hello")


def _shapes(svg: str) -> list[str]:
    return [element.tag.rpartition("}")[2] for element in ElementTree.fromstring(svg).iter()]
