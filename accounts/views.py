"""Token endpoints (simplejwt's); log-ins are throttled per client address (password guessing).
A refresh token cannot be guessed, so refreshing is not throttled."""

from __future__ import annotations

from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.views import TokenObtainPairView


class TokenObtainView(TokenObtainPairView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
