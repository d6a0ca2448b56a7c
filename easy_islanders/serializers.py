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
