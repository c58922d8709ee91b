"""API v1 for documents: lists, multipart uploads, revisions, downloads, share links, trash."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import FormParser, JSONParser, MultiPartParser
from projects.models import ProjectSheet
from workspace.selectors import workspace_get_visible

from .errors import DocumentError, FileTooLarge
from .models import Document, DocumentRevision, ShareLink, Visibility
from .permissions import (
    can_add_document,
    can_add_revision,
    can_change_document,
    can_manage_share_links,
    can_restore_document,
    can_trash_document,
    can_view_trash,
)
from .selectors import (
    document_get_visible,
    document_list_visible,
    document_revision_get,
    document_revision_list,
    document_sheet_for,
    document_trash_list,
    document_workspace_for,
    share_link_list,
)
from .services import (
    document_create,
    document_purge,
    document_restore,
    document_revision_add,
    document_revision_restore,
    document_trash,
    document_update,
    share_link_create,
    share_link_password_validate,
    share_link_revoke,
)
from .storage import revision_response
from .upload import declared_length_too_large, install_upload_handlers
from .validation import too_large_message


class RevisionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", default=None)
    restored_from = serializers.IntegerField(source="restored_from.number", default=None)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentRevision
        fields = [
            "number",
            "original_name",
            "size",
            "sha256",
            "mime_type",
            "uploaded_by",
            "created",
            "restored_from",
            "extraction_status",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: DocumentRevision) -> str:
        url = reverse("documents-api-download", args=[obj.document_id])
        return f"{url}?revision={obj.number}"


UNKNOWN_SHEET = _("Fiche inconnue dans cet espace.")


class DocumentSerializer(serializers.ModelSerializer):
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sheet = serializers.PrimaryKeyRelatedField(
        queryset=ProjectSheet.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": UNKNOWN_SHEET, "incorrect_type": UNKNOWN_SHEET},
    )
    created_by = serializers.CharField(
        source="created_by.display_name", default=None, read_only=True
    )
    current_revision = RevisionSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def validate_sheet(self, sheet):
        # A sheet of another workspace reads exactly like one that doesn't exist, so a private
        # workspace's sheets can't be discovered by trying numbers.
        if sheet is not None and self.instance and sheet.workspace_id != self.instance.workspace_id:
            raise serializers.ValidationError(UNKNOWN_SHEET)
        return sheet

    class Meta:
        model = Document
        fields = [
            "id",
            "workspace",
            "sheet",
            "title",
            "description",
            "visibility",
            "created_by",
            "created",
            "updated",
            "trashed_at",
            "current_revision",
            "download_url",
            "url",
        ]
        read_only_fields = ["id", "created", "updated", "trashed_at"]

    def get_download_url(self, obj: Document) -> str:
        return reverse("documents-api-download", args=[obj.pk])

    def get_url(self, obj: Document) -> str:
        return obj.get_absolute_url()

    def to_representation(self, instance: Document) -> dict:
        data = super().to_representation(instance)
        # What the document is related to is shown only to those who may see it (the
        # selectors ask the sheet's and the workspace's own rules); without a request in the
        # context the reader is treated as anonymous.
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if document_sheet_for(user=user, document=instance) is None:
            data["sheet"] = None
        if document_workspace_for(user=user, document=instance) is None:
            data["workspace"] = None
        return data


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.MEMBERS)
    sheet = serializers.IntegerField(required=False, allow_null=True)


class RevisionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)


class ShareLinkSerializer(serializers.ModelSerializer):
    has_password = serializers.BooleanField(read_only=True)
    active = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.display_name", default=None)

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "label",
            "expires_at",
            "has_password",
            "revoked_at",
            "created_by",
            "created",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj: ShareLink) -> bool:
        return obj.is_active()


class ShareLinkCreateSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()
    password = serializers.CharField(required=False, allow_blank=True, max_length=128)
    label = serializers.CharField(required=False, allow_blank=True, max_length=120)

    def validate_password(self, value: str) -> str:
        # The service's rule, answered as a field error like every other 400.
        try:
            share_link_password_validate(value)
        except DocumentError as error:
            raise serializers.ValidationError(error.message) from None
        return value


class StreamingUploadMixin:
    """Streams multipart bodies through the hashing handler; refuses oversize bodies early."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            request._fabrique_upload_handler = install_upload_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        if request.method == "POST" and declared_length_too_large(request._request):
            raise FileTooLarge(too_large_message())
        super().initial(request, *args, **kwargs)

    def uploaded_file(self, serializer_class):
        handler = getattr(self.request._request, "_fabrique_upload_handler", None)
        data = self.request.data  # parses the body (if the CSRF check has not already)
        if handler is not None and handler.too_large:
            raise FileTooLarge(too_large_message())
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _sheet_for(workspace, sheet_id):
    if sheet_id is None:
        return None
    sheet = ProjectSheet.objects.filter(pk=sheet_id, workspace=workspace).first()
    if sheet is None:
        raise serializers.ValidationError({"sheet": [UNKNOWN_SHEET]})
    return sheet


class WorkspaceDocumentList(StreamingUploadMixin, generics.ListAPIView):
    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_workspace(self):
        return workspace_get_visible(user=self.request.user, slug=self.kwargs["slug"])

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
            workspace=self.get_workspace(),
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
        workspace = self.get_workspace()
        if not can_add_document(request.user, workspace):
            raise PermissionDenied()
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


class DocumentDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = DocumentSerializer

    def get_object(self) -> Document:
        return document_get_visible(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses=DocumentSerializer)
    def get(self, request, pk: int):
        return Response(DocumentSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=DocumentSerializer, responses=DocumentSerializer)
    def patch(self, request, pk: int):
        document = self.get_object()
        if not can_change_document(request.user, document):
            raise PermissionDenied()
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
        document = self.get_object()
        if not can_trash_document(request.user, document):
            raise PermissionDenied()
        document_trash(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


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


class DocumentDownload(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[OpenApiParameter("revision", int)],
        responses={(200, "application/octet-stream"): bytes, 302: None},
    )
    def get(self, request, pk: int):
        document = document_get_visible(user=request.user, pk=pk)
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
