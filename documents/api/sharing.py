"""A document's share links: list, create (the token shown once), revoke."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Document, ShareLink
from ..permissions import (
    can_manage_share_links,
)
from ..selectors import (
    document_get_visible,
    share_link_list,
)
from ..services import (
    share_link_create,
    share_link_revoke,
)
from .serializers import ShareLinkCreateSerializer, ShareLinkSerializer


class ShareLinkListCreate(generics.ListAPIView):
    serializer_class = ShareLinkSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_document(self) -> Document:
        document = document_get_visible(user=self.request.user, pk=self.kwargs["pk"])
        if not can_manage_share_links(self.request.user, document):
            raise PermissionDenied()
        return document

    def get_queryset(self):
        return share_link_list(document=self.get_document())

    @extend_schema(request=ShareLinkCreateSerializer, responses={201: ShareLinkSerializer})
    def post(self, request, pk: int):
        document = self.get_document()
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


class ShareLinkRevoke(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, link_id: int):
        document = document_get_visible(user=request.user, pk=pk)
        if not can_manage_share_links(request.user, document):
            raise PermissionDenied()
        link = get_object_or_404(ShareLink, pk=link_id, document=document)
        share_link_revoke(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
