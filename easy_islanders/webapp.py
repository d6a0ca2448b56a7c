"""The web chat (frontend/, built by Vite into frontend/dist) served at `/` by this server.

Its assets are served by whitenoise (WHITENOISE_ROOT); `/` is the built index.html.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = settings.FRONTEND_DIST / "index.html"
    if not page.exists():
        return HttpResponse(
            "The web chat is not built yet: run `make run` (or `make frontend`).",
            status=503,
            content_type="text/plain",
        )
    return HttpResponse(page.read_bytes(), content_type="text/html; charset=utf-8")
