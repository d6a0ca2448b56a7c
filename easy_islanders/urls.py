from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from easy_islanders import health, webapp
from easy_islanders.errors import (
    json_bad_request,
    json_forbidden,
    json_not_found,
    json_server_error,
)
from observability import scrape

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", scrape.metrics, name="metrics"),
    path("api/auth/", include("accounts.urls")),
    path("api/chat/", include("chat.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("catalog.urls")),
    path("", webapp.index, name="web-chat"),
]

handler400 = json_bad_request
handler403 = json_forbidden
handler404 = json_not_found
handler500 = json_server_error
