"""Who is calling: what every authenticated API view asks of its request."""

from __future__ import annotations

from rest_framework.request import Request


def request_user_id(request: Request) -> int:
    """The caller's id, in a view that requires authentication (DEFAULT_PERMISSION_CLASSES)."""
    user_id = request.user.pk
    assert isinstance(user_id, int), "authenticated view reached without a user"
    return user_id
