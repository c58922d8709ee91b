"""A document's share links: list, create (the token shown once), revoke."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..models import ShareLink
from ..selectors import (
    share_link_list,
)
from ..services import (
    share_link_create,
    share_link_revoke,
)
from .base import DocumentAPIView
from .serializers import ShareLinkCreateSerializer, ShareLinkSerializer

# Listing, creating and revoking links all need "share": the links are not for every reader.
SHARE_ACTIONS = {"GET": "share", "HEAD": "share", "POST": "share", "DELETE": "share"}


class ShareLinkListCreate(DocumentAPIView, generics.ListAPIView):
    serializer_class = ShareLinkSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    method_actions = SHARE_ACTIONS

    def get_queryset(self):
        return share_link_list(document=self.get_object())

    @extend_schema(request=ShareLinkCreateSerializer, responses={201: ShareLinkSerializer})
    def post(self, request, pk: int):
        document = self.get_object()
        serializer = ShareLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link, token = share_link_create(
            actor=request.user, document=document, **serializer.validated_data
        )
        data = ShareLinkSerializer(link).data
        # The token is shown this once: only its hash is kept.
        data["token"] = token
        data["url"] = request.build_absolute_uri(reverse("documents:shared", args=[token]))
        return Response(data, status=status.HTTP_201_CREATED)


class ShareLinkRevoke(DocumentAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = SHARE_ACTIONS

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, link_id: int):
        # "May manage links" (403) before the link (404): get_object() checks it first.
        link = get_object_or_404(ShareLink, pk=link_id, document=self.get_object())
        share_link_revoke(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
