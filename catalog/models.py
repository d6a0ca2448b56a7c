"""Listings of the marketplace: homes, cars, services, activities and restaurants."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Category(models.TextChoices):
    PROPERTY_RENT_LONG = "property_rent_long"
    PROPERTY_RENT_SHORT = "property_rent_short"
    PROPERTY_SALE = "property_sale"
    CAR_RENTAL = "car_rental"
    SERVICE = "service"
    ACTIVITY = "activity"
    RESTAURANT = "restaurant"


class District(models.TextChoices):
    GIRNE = "Girne"
    LEFKOSA = "Lefkoşa"
    GAZIMAGUSA = "Gazimağusa"
    ISKELE = "İskele"
    GUZELYURT = "Güzelyurt"


class Period(models.TextChoices):
    MONTH = "month"
    NIGHT = "night"
    DAY = "day"
    HOUR = "hour"


class Listing(models.Model):
    category = models.CharField(max_length=32, choices=Category.choices)
    # What it is within its category: apartment, villa; suv; plumber; diving; fish...
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    description = models.TextField()
    district = models.CharField(max_length=16, choices=District.choices)
    area = models.CharField(max_length=64)
    price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    price_currency = models.CharField(max_length=3)  # ISO 4217
    # NULL is meaningful: a one-off price (a sale, a meal), the contract's `period: null`.
    price_period = models.CharField(  # noqa: DJ001
        max_length=8, choices=Period.choices, null=True, blank=True
    )
    bedrooms = models.PositiveSmallIntegerField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    badges = models.JSONField(default=list, blank=True)
    # title + kind + place + description, weighted; filled by the seed (catalog.seed).
    search_vector = SearchVectorField(null=True)

    class Meta:
        indexes = [
            # The agent's searches always filter by category, usually by place and price.
            models.Index(
                fields=["category", "district", "price_amount"], name="listing_cat_place_price"
            ),
            models.Index(fields=["category", "kind"], name="listing_cat_kind"),
            models.Index(fields=["category", "bedrooms"], name="listing_cat_bedrooms"),
            GinIndex(fields=["search_vector"], name="listing_search_vector"),
        ]

    def __str__(self) -> str:
        return self.title


class Enquiry(models.Model):
    """A person's enquiry about a listing, kept for the listing's provider to answer.

    A forced re-seed of the catalog replaces its listings and so deletes their enquiries."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="enquiries")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enquiries"
    )
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # "Your enquiries about this listing", newest first.
            models.Index(
                fields=["person", "listing", "-created_at"], name="enquiry_person_listing"
            ),
        ]

    def __str__(self) -> str:
        return f"enquiry {self.pk} about listing {self.listing_id}"
