"""A listing's detail as JSON, its pictures (SVG drawn here, nothing is fetched), and the
caller's enquiries about it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts.requests import request_user_id
from catalog.cards import listing_detail as listing_detail_of
from catalog.enquiries import enquiries_of, enquiry_create
from catalog.models import Listing
from catalog.pictures import PICTURE_COUNT, listing_picture
from catalog.serializers import (
    EnquiryCreated,
    EnquiryList,
    EnquiryOut,
    EnquiryRequest,
    ListingDetailOut,
)
from easy_islanders.parsers import BoundedJSONParser, CurlJSONParser


class ListingDetailView(APIView):
    @extend_schema(
        responses={200: ListingDetailOut},
        summary="One listing: its card with the description, pictures and facts.",
    )
    def get(self, request: Request, listing_id: int) -> Response:
        return Response(listing_detail_of(get_object_or_404(Listing, pk=listing_id)))


class ListingEnquiriesView(APIView):
    parser_classes = [BoundedJSONParser, CurlJSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "enquiry"

    def get_throttles(self) -> list[BaseThrottle]:
        # Only sending is limited: reading one's own enquiries back is not.
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        responses={200: EnquiryList},
        summary="The caller's own enquiries about a listing, newest first.",
    )
    def get(self, request: Request, listing_id: int) -> Response:
        mine = enquiries_of(request_user_id(request), listing_id)
        return Response({"ok": True, "enquiries": EnquiryOut(mine, many=True).data})

    @extend_schema(
        request=EnquiryRequest,
        responses={201: EnquiryCreated},
        summary="Enquire about a listing: the enquiry is stored against it for its provider.",
    )
    def post(self, request: Request, listing_id: int) -> Response:
        body = EnquiryRequest(data=request.data)
        body.is_valid(raise_exception=True)
        enquiry = enquiry_create(
            request_user_id(request), listing_id, body.validated_data["message"]
        )
        return Response({"ok": True, **EnquiryOut(enquiry).data}, status=status.HTTP_201_CREATED)


@require_GET
@cache_control(public=True, max_age=86400)
def listing_image(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The card's picture: the listing's first view."""
    return _picture(listing_id, 0)


@require_GET
@cache_control(public=True, max_age=86400)
def listing_picture_view(request: HttpRequest, listing_id: int, view: int) -> HttpResponse:
    return _picture(listing_id, view)


def _picture(listing_id: int, view: int) -> HttpResponse:
    if view >= PICTURE_COUNT:
        raise Http404("No such picture.")
    listing = get_object_or_404(
        Listing.objects.only("category", "kind", "area", "district", "bedrooms", "attributes"),
        pk=listing_id,
    )
    return HttpResponse(listing_picture(listing, view), content_type="image/svg+xml")
