"""A listing's card as JSON, and its picture, drawn here as SVG (nothing is fetched)."""

from __future__ import annotations

import hashlib
from html import escape

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.cards import rec_item
from catalog.models import Listing
from catalog.serializers import RecItemOut

_PALETTES = {
    "property_rent_long": ("#0e7490", "#a5f3fc"),
    "property_rent_short": ("#c2410c", "#fed7aa"),
    "property_sale": ("#4d7c0f", "#d9f99d"),
    "car_rental": ("#1d4ed8", "#bfdbfe"),
    "service": ("#6d28d9", "#ddd6fe"),
    "activity": ("#be123c", "#fecdd3"),
    "restaurant": ("#a16207", "#fef08a"),
}


@extend_schema(responses={200: RecItemOut}, summary="One listing as its recommendation card.")
@api_view(["GET"])
def listing_detail(request: Request, listing_id: int) -> Response:
    return Response(rec_item(get_object_or_404(Listing, pk=listing_id)))


@require_GET
@cache_control(public=True, max_age=86400)
def listing_image(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = get_object_or_404(Listing.objects.only("category", "kind", "area"), pk=listing_id)
    dark, light = _PALETTES[listing.category]
    # A per-listing variation, stable across runs: hills, sun and sea at different places.
    digest = hashlib.sha256(str(listing.pk).encode()).digest()
    sun_x, hill = 60 + digest[0] % 200, 120 + digest[1] % 60
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">
<rect width="320" height="200" fill="{light}"/>
<circle cx="{sun_x}" cy="55" r="24" fill="#facc15"/>
<path d="M0 {hill} Q80 {hill - 50} 160 {hill} T320 {hill} V200 H0Z" fill="{dark}" opacity="0.8"/>
<rect y="165" width="320" height="35" fill="{dark}"/>
<text x="12" y="188" font-family="sans-serif" font-size="15" fill="#fff">{escape(listing.kind.replace("_", " "))} · {escape(listing.area)}</text>
</svg>"""  # noqa: E501
    return HttpResponse(svg, content_type="image/svg+xml")
