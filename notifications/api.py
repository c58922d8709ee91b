"""API of subscriptions and notifications (../shared/API.md, "Subscriptions and
notifications"): always the caller's own."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import SubscriptionNotFound
from .models import Frequency, Level, Notification, Recipient, Subscription, TargetType
from .selectors import (
    mask_withdrawn,
    notification_label,
    notification_list,
    subscription_find,
    subscription_list,
)
from .services import (
    notifications_mark_read,
    notifications_sync,
    recipient_settings_set,
    subscription_follow,
    subscription_set_level,
    subscription_unfollow,
)


class SubscriptionWriteSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=TargetType.values)
    target = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=Level.values, default=Level.STANDARD)


class SubscriptionLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.values)


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target = serializers.IntegerField(source="target_id")
    level = serializers.CharField()
    auto = serializers.BooleanField()
    created = serializers.DateTimeField()


def _subscription(s: Subscription, label: str = "", url: str = "") -> dict[str, Any]:
    data = SubscriptionSerializer(s).data
    data.update(label=label, url=url)
    return data


class SubscriptionList(generics.GenericAPIView):
    """GET: what the caller follows; POST: follow something (409 when already followed)."""

    permission_classes = [IsAuthenticated]
    serializer_class = SubscriptionSerializer

    def get_queryset(self):
        return Subscription.objects.filter(user=self.request.user)

    @extend_schema(responses=SubscriptionSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(subscription_list(request.user))
        return self.get_paginated_response(
            [_subscription(f.subscription, f.label, f.url) for f in page or []]
        )

    @extend_schema(request=SubscriptionWriteSerializer, responses={201: SubscriptionSerializer})
    def post(self, request):
        data = SubscriptionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        created = subscription_follow(
            actor=request.user,
            target_type=values["target_type"],
            target=values["target"],
            level=values["level"],
        )
        return Response(_subscription(created), status=status.HTTP_201_CREATED)


class SubscriptionDetail(APIView):
    """PATCH: change the level; DELETE: stop following (the caller's own only: 404 otherwise)."""

    permission_classes = [IsAuthenticated]

    def _own(self, request, pk: int) -> Subscription:
        found = subscription_find(request.user, pk)
        if found is None:
            raise SubscriptionNotFound("Abonnement introuvable.")
        return found

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request, pk: int):
        return Response(_subscription(self._own(request, pk)))

    @extend_schema(request=SubscriptionLevelSerializer, responses=SubscriptionSerializer)
    def patch(self, request, pk: int):
        subscription = self._own(request, pk)
        data = SubscriptionLevelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = subscription_set_level(
            actor=request.user, subscription=subscription, level=data.validated_data["level"]
        )
        return Response(_subscription(changed))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        subscription_unfollow(actor=request.user, subscription=self._own(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verb = serializers.CharField()
    label = serializers.SerializerMethodField()
    object = serializers.CharField(source="group_label")
    url = serializers.CharField()
    kind = serializers.CharField()
    created = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_label(self, n: Notification) -> str:
        return notification_label(n)

    def get_read(self, n: Notification) -> bool:
        return n.read_at is not None


class NotificationList(generics.ListAPIView):
    """The caller's notifications, newest first (`?unread=1`: the unread ones)."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="1: unread only")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        notifications_sync(actor=self.request.user)
        return notification_list(self.request.user, unread=unread)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return mask_withdrawn(self.request.user, list(page)) if page is not None else None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    all = serializers.BooleanField(required=False, default=False)


class NotificationsRead(APIView):
    """POST {"ids": [...]} or {"all": true}: mark read; answers how many changed."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        marked = notifications_mark_read(
            actor=request.user, ids=values.get("ids") or [], every=values["all"]
        )
        return Response({"marked": marked})


# ---- /api/v1/me/ gains "digest" (accounts' hook: accounts knows nothing of notifications).


def me_digest_get(user: Any) -> str:
    frequency = Recipient.objects.filter(user_id=user.pk).values_list("frequency", flat=True)
    return frequency.first() or Frequency.DAILY


def me_digest_set(user: Any, value: Any) -> None:
    if value not in Frequency.values:
        raise serializers.ValidationError(
            {"digest": ["Fréquence inconnue : immediate, daily, weekly ou never."]}
        )
    recipient_settings_set(actor=user, frequency=value)
