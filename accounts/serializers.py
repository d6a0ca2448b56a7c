"""simplejwt's token request bodies, strict about unknown fields like the rest of the API."""

from __future__ import annotations

from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from easy_islanders.serializers import RejectUnknownFields


class TokenObtainRequest(RejectUnknownFields, TokenObtainPairSerializer):
    """A username and password, for an access and a refresh token."""


class TokenRefreshRequest(RejectUnknownFields, TokenRefreshSerializer):
    """A refresh token, for a new access token."""
