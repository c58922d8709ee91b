"""The shapes of documents, revisions and share links in the API, and their inputs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from projects.models import ProjectSheet

from ..errors import DocumentError
from ..models import Document, DocumentRevision, ShareLink, Visibility
from ..selectors import (
    document_sheet_for,
    document_workspace_for,
)
from ..services import (
    share_link_password_validate,
)


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
