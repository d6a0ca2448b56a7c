"""The OpenAPI document (/api/schema/) as clients meet the API: JSON bodies, contract errors.

drf-spectacular describes each view's success; this hook adds what every client can also get
(the contract's error body, with the statuses each operation can answer) and lists JSON as the
only request body format, so the document can be checked against the server (schemathesis).
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
        },
    },
    "required": ["ok", "error"],
}

STATUS_TEXT = {
    "400": "Invalid body or query.",
    "401": "Missing, invalid or expired token (or wrong credentials).",
    "404": "No such thread or listing for this caller.",
    "406": "The Accept header allows no JSON.",
    "413": "The body or message is too large.",
    "415": "The body is not JSON.",
    "429": "Throttled; see Retry-After.",
    "503": "The message cannot be stored and queued right now (service_unavailable), or more "
    "turns wait than the workers can answer in time (overloaded); see Retry-After.",
}
SEND = "/api/chat/"  # names its thread in the body (404), and must reach the queue (503)


def contract_errors(result: dict[str, Any], generator: Any, **_: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    # 429 wherever the view itself throttles, so the document cannot drift from the views.
    throttled = {
        (path, method.lower())
        for path, _, method, view in generator.endpoints
        if getattr(view.cls, "throttle_classes", None)
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            statuses = ["400", "401", "406"]
            if "{" in path or path == SEND:
                statuses.append("404")
            body = operation.get("requestBody")
            if body is not None:
                json_body = body["content"]["application/json"]
                body["content"] = {"application/json": json_body}
                _closed(result, json_body["schema"])
                statuses += ["413", "415"]
            if (path, method) in throttled:
                statuses.append("429")
            if path == SEND:
                statuses.append("503")
            for status in statuses:
                operation["responses"].setdefault(
                    status,
                    {
                        "description": STATUS_TEXT[status],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result


def _closed(result: dict[str, Any], schema: dict[str, Any]) -> None:
    """Request bodies take no fields but their own (easy_islanders.serializers)."""
    name = schema.get("$ref", "").rpartition("/")[2]
    target = result["components"]["schemas"].get(name, schema)
    target["additionalProperties"] = False
