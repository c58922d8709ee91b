"""A document's revisions: list, upload a new one, make an old one current again."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from ..selectors import (
    document_revision_get,
    document_revision_list,
)
from ..services import (
    document_revision_add,
    document_revision_restore,
)
from .base import DocumentAPIView
from .serializers import RevisionSerializer, RevisionUploadSerializer
from .streaming import StreamingUploadMixin


class DocumentRevisionList(StreamingUploadMixin, DocumentAPIView, generics.ListAPIView):
    serializer_class = RevisionSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "add_revision"}

    def get_queryset(self):
        return document_revision_list(document=self.get_object()).select_related("restored_from")

    @extend_schema(
        request={"multipart/form-data": RevisionUploadSerializer},
        responses={201: RevisionSerializer},
    )
    def post(self, request, pk: int):
        document = self.get_object()
        data = self.uploaded_file(RevisionUploadSerializer)
        revision = document_revision_add(
            actor=request.user, document=document, file=data["file"], name=data["file"].name
        )
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class DocumentRevisionRestore(DocumentAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "add_revision"}

    @extend_schema(request=None, responses={201: RevisionSerializer})
    def post(self, request, pk: int, number: int):
        document = self.policy.get_visible(request.user, self.get_object_queryset(), pk=pk)
        # A version that does not exist is 404 before the 403 of who may not restore (as on the
        # page): anyone who sees the document sees its list of versions.
        document_revision_get(document=document, number=number)
        self.check_object_permissions(request, document)
        revision = document_revision_restore(actor=request.user, document=document, number=number)
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)
