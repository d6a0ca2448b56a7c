"""The RecItem card (CONTRACT: RecItem), described for the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


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
