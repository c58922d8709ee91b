"""A document's revisions: list, upload a new one, make an old one current again."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Document
from ..permissions import (
    can_add_revision,
)
from ..selectors import (
    document_get_visible,
    document_revision_get,
    document_revision_list,
)
from ..services import (
    document_revision_add,
    document_revision_restore,
)
from .serializers import RevisionSerializer, RevisionUploadSerializer
from .streaming import StreamingUploadMixin


class DocumentRevisionList(StreamingUploadMixin, generics.ListAPIView):
    serializer_class = RevisionSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_document(self) -> Document:
        return document_get_visible(user=self.request.user, pk=self.kwargs["pk"])

    def get_queryset(self):
        return document_revision_list(document=self.get_document()).select_related("restored_from")

    @extend_schema(
        request={"multipart/form-data": RevisionUploadSerializer},
        responses={201: RevisionSerializer},
    )
    def post(self, request, pk: int):
        document = self.get_document()
        if not can_add_revision(request.user, document):
            raise PermissionDenied()
        data = self.uploaded_file(RevisionUploadSerializer)
        revision = document_revision_add(
            actor=request.user, document=document, file=data["file"], name=data["file"].name
        )
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class DocumentRevisionRestore(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: RevisionSerializer})
    def post(self, request, pk: int, number: int):
        document = document_get_visible(user=request.user, pk=pk)
        document_revision_get(document=document, number=number)
        if not can_add_revision(request.user, document):
            raise PermissionDenied()
        revision = document_revision_restore(actor=request.user, document=document, number=number)
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)
