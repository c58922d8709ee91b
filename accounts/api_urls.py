from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", api.TokenRevokeAllView.as_view(), name="auth-tokens"),
    path("me/", api.MeView.as_view(), name="me"),
]
