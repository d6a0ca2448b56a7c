"""Enquiries: a person asks about a listing; the enquiry is stored against it."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from django.http import Http404

from catalog.models import Enquiry, Listing

logger = logging.getLogger(__name__)

ENQUIRY_MAX_CHARS = 2000
RECENT_ENQUIRIES = 20


def enquiry_create(user_id: int, listing_id: int, message: str) -> Enquiry:
    """Store the caller's enquiry about the listing. Raises Http404 for no such listing; the
    message is validated at the edge (1 to ENQUIRY_MAX_CHARS characters, no NUL)."""
    if not Listing.objects.filter(pk=listing_id).exists():
        raise Http404("No such listing.")
    enquiry = Enquiry.objects.create(
        listing_id=listing_id, person_id=user_id, message=message.strip()
    )
    # The id only: what a person writes stays out of the logs.
    logger.info("enquiry_created", extra={"enquiry_id": enquiry.pk, "listing_id": listing_id})
    return enquiry


def enquiries_of(user_id: int, listing_id: int) -> QuerySet[Enquiry]:
    """The caller's own enquiries about the listing, newest first (never anyone else's)."""
    if not Listing.objects.filter(pk=listing_id).exists():
        raise Http404("No such listing.")
    return Enquiry.objects.filter(person_id=user_id, listing_id=listing_id).order_by("-created_at")[
        :RECENT_ENQUIRIES
    ]
