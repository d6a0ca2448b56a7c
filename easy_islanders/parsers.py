"""Request body parsers with a size bound (DRF's own JSON parser reads bodies of any size)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser


class PayloadTooLarge(APIException):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


class BoundedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge()
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise ParseError("The body is not valid JSON.") from None


class CurlJSONParser(BoundedJSONParser):
    """JSON sent as a form: `curl -d '{"message":"ping"}'` labels its body
    application/x-www-form-urlencoded, and the ops checklist sends exactly that."""

    media_type = "application/x-www-form-urlencoded"
