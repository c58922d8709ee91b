"""A workspace's trash: list, restore, purge."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from workspace.selectors import workspace_get_visible

from ..models import Document
from ..permissions import (
    can_restore_document,
    can_view_trash,
)
from ..selectors import (
    document_get_visible,
    document_trash_list,
)
from ..services import (
    document_purge,
    document_restore,
)
from .serializers import DocumentSerializer


class WorkspaceTrashList(generics.ListAPIView):
    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        workspace = workspace_get_visible(user=self.request.user, slug=self.kwargs["slug"])
        if not can_view_trash(self.request.user, workspace):
            raise PermissionDenied()
        return document_trash_list(workspace=workspace)


class DocumentTrashRestore(APIView):
    permission_classes = [IsAuthenticated]

    def get_trashed(self, request, pk: int) -> Document:
        document = document_get_visible(user=request.user, pk=pk, include_trashed=True)
        if not document.is_trashed:
            raise Http404
        if not can_restore_document(request.user, document):
            raise PermissionDenied()
        return document

    @extend_schema(request=None, responses=DocumentSerializer)
    def post(self, request, pk: int):
        document = document_restore(actor=request.user, document=self.get_trashed(request, pk))
        return Response(DocumentSerializer(document, context={"request": request}).data)


class DocumentTrashPurge(DocumentTrashRestore):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        document_purge(actor=request.user, document=self.get_trashed(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
