"""Documents: a workspace's list and upload, a document's detail, update, trash and download."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from projects.models import ProjectSheet
from workspace.api import WorkspaceAPIView

from ..selectors import (
    document_list_visible,
    document_revision_get,
)
from ..services import (
    document_create,
    document_trash,
    document_update,
)
from ..storage import revision_response
from .base import DocumentAPIView
from .serializers import UNKNOWN_SHEET, DocumentSerializer, DocumentUploadSerializer
from .streaming import StreamingUploadMixin


def _sheet_for(workspace, sheet_id):
    if sheet_id is None:
        return None
    sheet = ProjectSheet.objects.filter(pk=sheet_id, workspace=workspace).first()
    if sheet is None:
        raise serializers.ValidationError({"sheet": [UNKNOWN_SHEET]})
    return sheet


class WorkspaceDocumentList(StreamingUploadMixin, WorkspaceAPIView, generics.ListAPIView):
    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "add_document"}

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("type", str),
            OpenApiParameter("visibility", str),
            OpenApiParameter("sort", str, enum=["recent", "oldest", "title", "-title", "size"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return document_list_visible(
            user=self.request.user,
            workspace=self.get_object(),
            q=params.get("q", "")[:200],
            mime_type=params.get("type", ""),
            visibility=params.get("visibility", ""),
            sort=params.get("sort", "recent"),
        )

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
    )
    def post(self, request, slug: str):
        workspace = self.get_object()
        data = self.uploaded_file(DocumentUploadSerializer)
        document = document_create(
            actor=request.user,
            workspace=workspace,
            file=data["file"],
            name=data["file"].name,
            title=data.get("title", ""),
            description=data.get("description", ""),
            visibility=data["visibility"],
            sheet=_sheet_for(workspace, data.get("sheet")),
        )
        return Response(
            DocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class DocumentDetail(DocumentAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = DocumentSerializer
    method_actions = {"DELETE": "trash"}

    @extend_schema(responses=DocumentSerializer)
    def get(self, request, pk: int):
        return Response(DocumentSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=DocumentSerializer, responses=DocumentSerializer)
    def patch(self, request, pk: int):
        document = self.get_object()
        serializer = DocumentSerializer(
            document, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        fields = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in {"title", "description", "visibility", "sheet"}
        }
        document = document_update(actor=request.user, document=document, **fields)
        return Response(DocumentSerializer(document, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        document_trash(actor=request.user, document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentDownload(DocumentAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[OpenApiParameter("revision", int)],
        responses={(200, "application/octet-stream"): bytes, 302: None},
    )
    def get(self, request, pk: int):
        document = self.get_object()
        number = request.query_params.get("revision")
        if number:
            try:
                revision = document_revision_get(document=document, number=int(number))
            except ValueError as error:
                raise Http404 from error
        else:
            revision = document.current_revision
            if revision is None:
                raise Http404
        return revision_response(revision, allow_inline=False)
