"""What the browser is told it may do with our pages, and which web origins may use our socket.

The web chat is one script and one stylesheet from our own origin (Vite's build has no inline
code), so the Content-Security-Policy allows nothing inline and nothing from elsewhere: an
injected `<script>` or `onerror=` cannot run even if some text ever escaped React's escaping.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import is_same_domain

from easy_islanders.asgi_types import Scope

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


@functools.lru_cache(maxsize=64)  # one string per served host, not one per response
def content_security_policy(host: str) -> str:
    """The policy for a page served to `host` (the socket lives on the same host)."""
    sockets = f"ws://{host} wss://{host}" if host else ""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {sockets}".strip(),
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


def api_response_headers(
    host: str, request_headers: dict[bytes, bytes], secure: bool
) -> list[tuple[bytes, bytes]]:
    """The headers Django's middleware stack puts on an API response, for the paths the event
    loop answers itself (chat/api/accept.py); tests/easy_islanders/test_security.py holds the
    two sets equal."""
    headers = [*_static_api_headers(host)]
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append((b"strict-transport-security", hsts.encode()))
    origin = request_headers.get(b"origin", b"").decode("latin-1")
    if origin and origin in settings.CORS_ALLOWED_ORIGINS:
        headers.append((b"access-control-allow-origin", origin.encode()))
        exposed = ", ".join(settings.CORS_EXPOSE_HEADERS)
        headers.append((b"access-control-expose-headers", exposed.encode()))
    return headers


@functools.lru_cache(maxsize=64)
def _static_api_headers(host: str) -> tuple[tuple[bytes, bytes], ...]:
    return (
        (b"vary", b"origin"),
        (b"content-security-policy", content_security_policy(host).encode()),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"cross-origin-resource-policy", b"same-origin"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", str(settings.SECURE_REFERRER_POLICY).encode()),
        (b"cross-origin-opener-policy", str(settings.SECURE_CROSS_ORIGIN_OPENER_POLICY).encode()),
        (b"x-frame-options", str(settings.X_FRAME_OPTIONS).encode()),
    )


class SecurityHeadersMiddleware:
    """CSP and Permissions-Policy on every response (Django's SecurityMiddleware sets the rest:
    nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS behind TLS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(_safe_host(request))
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def _safe_host(request: HttpRequest) -> str:
    # get_host() has already been checked against ALLOWED_HOSTS by the time a view answers; an
    # error page for a bad Host must not echo it into a header.
    try:
        return request.get_host()
    except Exception:
        return ""


def secure_scope(scope: Scope) -> bool:
    """Did this ASGI request arrive over TLS (here, or at the proxy in front that says so)?"""
    if scope.get("scheme") in {"https", "wss"}:
        return True
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if not proxy:
        return False
    name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
    return any(k.lower() == name and v.decode("latin-1") == proxy[1] for k, v in scope["headers"])


def socket_origin_allowed(origin: str | None, host: str | None, secure: bool) -> bool:
    """May a socket opened from this Origin proceed? (Cross-site WebSocket hijacking guard.)

    Browsers always send Origin; a page on another site is refused. Clients that are not
    browsers (wscat, mobile apps, the test suite) send none and authenticate by token alone.
    Allowed, compared as scheme + host + port: the page's own origin (this request's Host, on
    one of our ALLOWED_HOSTS, and its scheme), and the origins listed in CORS_ALLOWED_ORIGINS.
    Another port or scheme of our host is another origin, and a malformed one is refused.
    """
    if origin is None:
        return True
    seen = _origin(origin)
    if seen is None:
        return False
    if seen in {_origin(allowed) for allowed in settings.CORS_ALLOWED_ORIGINS}:
        return True
    own = _origin(f"{'https' if secure else 'http'}://{host}") if host else None
    return seen == own and any(
        pattern == "*" or is_same_domain(urlsplit(origin).hostname or "", pattern.strip("[]"))
        for pattern in settings.ALLOWED_HOSTS
    )


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(text: str) -> tuple[str, str, int] | None:
    """An origin as scheme, host and port (the default port made explicit); None when it is
    not an http(s) origin: a path, a query, credentials or a bad port make it malformed."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        return None
    return parts.scheme, parts.hostname, port or _DEFAULT_PORTS[parts.scheme]
