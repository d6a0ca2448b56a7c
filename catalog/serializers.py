"""The RecItem card (docs/protocol.md, "Server events"), the listing's detail and enquiries,
described for the OpenAPI document."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.enquiries import ENQUIRY_MAX_CHARS
from catalog.pictures import VIEW_NAMES
from easy_islanders.serializers import RejectUnknownFields


class PriceOut(serializers.Serializer[Any]):
    amount = serializers.FloatField()
    currency = serializers.CharField()
    period = serializers.ChoiceField(choices=["month", "night", "day", "hour"], allow_null=True)


class RecItemOut(serializers.Serializer[Any]):
    id = serializers.CharField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    category = serializers.ChoiceField(
        choices=[
            "property_rent_long",
            "property_rent_short",
            "property_sale",
            "car_rental",
            "service",
            "activity",
            "restaurant",
        ]
    )
    city = serializers.CharField()
    area = serializers.CharField()
    price = PriceOut()
    price_display = serializers.CharField()
    image_url = serializers.CharField()
    url = serializers.CharField()
    badges = serializers.ListField(child=serializers.CharField())
    metadata = serializers.DictField()


class FactOut(serializers.Serializer[Any]):
    key = serializers.CharField()
    value = serializers.JSONField()


class PictureOut(serializers.Serializer[Any]):
    url = serializers.CharField()
    view = serializers.ChoiceField(choices=list(VIEW_NAMES))


class ListingDetailOut(RecItemOut):
    """The card, with its description, every picture and the category's facts."""

    description = serializers.CharField()
    images = PictureOut(many=True)
    facts = FactOut(many=True)


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": ENQUIRY_MAX_CHARS,
        # Some character that is not white space, and no NUL (PostgreSQL text cannot hold it).
        "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$",
    }
)
class EnquiryMessageField(serializers.CharField):
    """The enquiry's text: a string (not a number made one), not blank, no NUL."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        text = str(super().to_internal_value(data))
        if "\x00" in text:
            raise serializers.ValidationError("Invalid characters.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError("Invalid characters.") from None
        return text


class EnquiryRequest(RejectUnknownFields):
    """What the person asks the listing's provider."""

    message = EnquiryMessageField(max_length=ENQUIRY_MAX_CHARS)


class EnquiryOut(serializers.Serializer[Any]):
    enquiry_id = serializers.IntegerField(source="pk")
    listing_id = serializers.IntegerField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class EnquiryCreated(EnquiryOut):
    ok = serializers.BooleanField()


class EnquiryList(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    enquiries = EnquiryOut(many=True)
