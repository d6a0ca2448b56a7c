"""Access tokens (JWT): issuing them for operators, checking them for sockets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken


class TokenRejected(Exception):
    """The token is missing, malformed, expired, of the wrong type, or its user is inactive."""


@dataclass(frozen=True)
class TokenIdentity:
    user_id: int
    expires_at: datetime


def access_token_identity(raw: str | None) -> TokenIdentity:
    if not raw:
        raise TokenRejected("missing token")
    try:
        # Checks signature, expiry and token type. (simplejwt annotates `token` as a Token.)
        token = AccessToken(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise TokenRejected("invalid token") from exc
    user_id = token.get(api_settings.USER_ID_CLAIM)
    if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
        raise TokenRejected("unknown or inactive user")
    return TokenIdentity(user_id=int(user_id), expires_at=datetime.fromtimestamp(token["exp"], UTC))


def access_token_issue(user: AbstractBaseUser, ttl_secs: int | None = None) -> str:
    token = AccessToken.for_user(user)
    if ttl_secs is not None:
        token.set_exp(lifetime=timedelta(seconds=ttl_secs))
    return str(token)
