"""The API's errors: one body for every refusal (docs/protocol.md, "Errors"), the one error
type the chat's HTTP paths raise, and JSON bodies for what Django itself answers (unknown
URLs, crashes): never a debug page."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side."
UNAVAILABLE_MESSAGE = "The chat service is unavailable. Try again soon."
UNAVAILABLE_RETRY_SECS = 5


class ApiError(Exception):
    """An answer other than success: its status, the contract's code and a message safe to
    show (never exception text), the fields at fault, and its headers. Both the event-loop
    accept and the DRF views answer with these, so the two cannot drift."""

    status = 400
    code = "bad_request"
    retry_after_secs: int | None = None

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        status: int | None = None,
        code: str | None = None,
        retry_after_secs: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.fields = message, fields
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        if retry_after_secs is not None:
            self.retry_after_secs = retry_after_secs
        self.extra_headers = headers or {}

    @property
    def body(self) -> dict[str, object]:
        return error_body(self.code, self.message, self.fields)

    @property
    def headers(self) -> dict[str, str]:
        retry = self.retry_after_secs
        return {**({"Retry-After": str(retry)} if retry is not None else {}), **self.extra_headers}


class ServiceUnavailable(ApiError):
    """PostgreSQL or Redis cannot be reached: nothing was taken, try again soon."""

    status = 503
    code = "service_unavailable"
    retry_after_secs = UNAVAILABLE_RETRY_SECS

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE_MESSAGE)


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, object]:
    error: dict[str, object] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"ok": False, "error": error}


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("bad_request", "Bad request."), status=400)


def json_forbidden(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("forbidden", "Forbidden."), status=403)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("internal_error", INTERNAL_ERROR_MESSAGE), status=500)
