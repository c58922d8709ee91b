"""API for accounts: token sign-in and the caller's own identity."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .api_tokens import (
    ApiTokenAuthentication,
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
)
from .models import ApiToken, User
from .throttling import (
    ClientRateThrottle,
    LoginLockoutThrottle,
    TooManyAttempts,
    login_failures_forget,
    login_retry_at,
    login_username,
)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name", "platform_role"]
        read_only_fields = fields


class PublicUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "display_name", "platform_role"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    label = serializers.CharField(required=False, allow_blank=True, max_length=120)


class TokenView(APIView):
    """POST: sign in and get a new token (one per device). DELETE: revoke the token used."""

    permission_classes = [AllowAny]
    throttle_scope = "auth"

    def _method(self) -> str | None:
        request = getattr(self, "request", None)  # None while the schema is generated
        return request.method if request is not None else None

    def get_authenticators(self):
        # Asking for a token must work whatever stale token header the client still sends.
        if self._method() == "POST":
            return []
        return [ApiTokenAuthentication()]

    def get_throttles(self):
        if self._method() == "POST":
            return [ClientRateThrottle(), LoginLockoutThrottle()]
        return []

    def check_throttles(self, request):
        # Each throttle knows when it lets the caller in again: answer with the latest time.
        denied = [t for t in self.get_throttles() if not t.allow_request(request, self)]
        if denied:
            worst = max(denied, key=lambda t: t.retry)
            raise TooManyAttempts(retry_at=worst.retry, what=worst.what)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        user = authenticate(request, email=email, password=data.validated_data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                # This failure reached the limit: say so now, with the time the lock lifts.
                credentials = {"email": login_username(request, {"email": email})}
                raise TooManyAttempts(retry_at=login_retry_at(request, credentials))
            # One message for a wrong email, a wrong password or an inactive account.
            return Response(
                {"detail": _("Identifiants invalides."), "code": "invalid_credentials"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        login_failures_forget(request=request, username=user.get_username())
        _token, key = api_token_create(actor=user, label=data.validated_data.get("label", ""))
        return Response({"token": key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise exceptions.NotAuthenticated()
        api_token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllView(APIView):
    """Sign out every device: revoke all the caller's tokens."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("TokensRevoked", {"revoked": serializers.IntegerField()})
        },
    )
    def delete(self, request):
        return Response({"revoked": api_tokens_revoke_all(user=request.user)})


@dataclass(frozen=True)
class MeField:
    """A field an upper app adds to /api/v1/me/ (notifications' "digest"…): read, and written
    through that app's service (which raises a ValidationError on a bad value)."""

    read: Callable[[Any], Any]
    write: Callable[[Any, Any], None]


_ME_FIELDS: dict[str, MeField] = {}


def me_field_register(name: str, field: MeField) -> None:
    _ME_FIELDS[name] = field


class MeView(APIView):
    """GET: the caller's identity and settings; PATCH: change the settings upper apps declare
    (unknown or read-only fields are refused, and nothing changes on any error)."""

    permission_classes = [IsAuthenticated]

    def _data(self, user: Any) -> dict[str, Any]:
        data = dict(UserSerializer(user).data)
        for name, field in _ME_FIELDS.items():
            data[name] = field.read(user)
        return data

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(self._data(request.user))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=UserSerializer)
    def patch(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Un objet JSON est attendu.")]}
            )
        unknown = sorted(str(k)[:64] for k in request.data if k not in _ME_FIELDS)
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Ce champ ne peut pas être modifié ici.")] for name in unknown}
            )
        with transaction.atomic():
            for name, value in request.data.items():
                _ME_FIELDS[name].write(request.user, value)
        return Response(self._data(request.user))
