"""A workspace's trash: list, restore, purge."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from workspace.api import WorkspaceAPIView

from ..selectors import (
    document_trash_list,
)
from ..services import (
    document_purge,
    document_restore,
)
from .base import DocumentAPIView
from .serializers import DocumentSerializer


class WorkspaceTrashList(WorkspaceAPIView, generics.ListAPIView):
    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated]
    method_actions = {"GET": "view_trash", "HEAD": "view_trash"}

    def get_queryset(self):
        return document_trash_list(workspace=self.get_object())


class DocumentTrashRestore(DocumentAPIView):
    """A trashed document (404 for one outside the trash) and the right to restore it."""

    permission_classes = [IsAuthenticated]
    trashed = True
    method_actions = {"POST": "restore"}

    @extend_schema(request=None, responses=DocumentSerializer)
    def post(self, request, pk: int):
        document = document_restore(actor=request.user, document=self.get_object())
        return Response(DocumentSerializer(document, context={"request": request}).data)


class DocumentTrashPurge(DocumentTrashRestore):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        document_purge(actor=request.user, document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
