"""What every request body of the API shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


class RejectUnknownFields(serializers.Serializer[Any]):
    """A body with a field the API does not know is refused (400), not silently ignored: a
    typo ("mesage") would otherwise pass for a missing field. The OpenAPI document says so
    (additionalProperties: false, easy_islanders.openapi)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name)[:64] for name in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown[:10]}
                )
        return super().to_internal_value(data)


BIGINT_MAX = 2**63 - 1  # what a PostgreSQL bigint (a seq, an id) holds


class JsonInteger(serializers.IntegerField):
    """An integer as JSON writes one. DRF's IntegerField also takes 5.0, "5" and true, which
    the OpenAPI document (type: integer) says are refused; and it takes numbers no column holds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))
