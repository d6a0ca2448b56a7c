"""Access tokens (JWT): issuing them for operators, checking them for sockets and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from accounts.activity import user_is_active_async


class TokenRejected(Exception):
    """The token is missing, malformed, expired, of the wrong type, or its user is inactive."""


@dataclass(frozen=True)
class TokenIdentity:
    user_id: int
    expires_at: datetime


def token_decode(raw: str | None) -> TokenIdentity:
    """Signature, expiry and type checked; no database. Raises TokenRejected."""
    if not raw:
        raise TokenRejected("missing token")
    try:
        # (simplejwt annotates `token` as a Token.)
        token = AccessToken(raw)  # type: ignore[arg-type]
        user_id = int(token[api_settings.USER_ID_CLAIM])
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        raise TokenRejected("invalid token") from exc
    return TokenIdentity(user_id=user_id, expires_at=datetime.fromtimestamp(token["exp"], UTC))


async def access_token_identity_async(raw: str | None) -> TokenIdentity:
    """The token's identity if its user is active (from the event loop). Raises TokenRejected."""
    identity = token_decode(raw)
    if not await user_is_active_async(identity.user_id):
        raise TokenRejected("unknown or inactive user")
    return identity


def access_token_issue(user: AbstractBaseUser, ttl_secs: int | None = None) -> str:
    token = AccessToken.for_user(user)
    if ttl_secs is not None:
        token.set_exp(lifetime=timedelta(seconds=ttl_secs))
    return str(token)
