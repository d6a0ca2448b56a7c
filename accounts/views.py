"""Token endpoints (simplejwt's); log-ins are throttled per client address and per account
(password guessing from one place, and from many). A refresh token cannot be guessed, so
refreshing is not throttled."""

from __future__ import annotations

import hashlib

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView


class AccountLoginThrottle(SimpleRateThrottle):
    """Log-ins for one account (the username asked for, as typed but for case), from any
    address: rotating addresses does not buy an attacker more guesses."""

    scope = "auth_account"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username")
        if not isinstance(username, str) or not username.strip():
            return None  # refused by the serializer anyway; nothing to count against
        account = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": account}


class TokenObtainView(TokenObtainPairView):
    throttle_classes = [ScopedRateThrottle, AccountLoginThrottle]
    throttle_scope = "auth"
