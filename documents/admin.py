"""Admin views of documents: read-only (writes go through documents.services, files are
immutable); a change here would bypass the activity log, the search outbox and the quotas."""

from django.contrib import admin

from .models import Document, DocumentRevision, ShareLink


class RevisionInline(admin.TabularInline):
    model = DocumentRevision
    fields = ["number", "original_name", "size", "mime_type", "sha256", "uploaded_by", "created"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "workspace", "visibility", "updated", "trashed_at"]
    list_filter = ["visibility", "trashed_at"]
    search_fields = ["title", "workspace__name"]
    readonly_fields = [
        "workspace",
        "sheet",
        "current_revision",
        "trashed_at",
        "trashed_by",
        "created_by",
        "visibility",
        "title",
        "description",
    ]
    inlines = [RevisionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["document", "label", "expires_at", "revoked_at", "created_by"]
    readonly_fields = [
        "document",
        "label",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "created_by",
        "token_hash",
        "password",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
