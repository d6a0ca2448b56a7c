from django.urls import path

from accounts.views import TokenObtainView, TokenRenewView

urlpatterns = [
    path("token/", TokenObtainView.as_view(), name="token-obtain"),
    path("token/refresh/", TokenRenewView.as_view(), name="token-refresh"),
]
