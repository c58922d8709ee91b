"""Admin views of documents: read-only (writes go through documents.services, files are
immutable); a change here would bypass the activity log, the search outbox and the quotas."""

from django.contrib import admin

from accounts.admin_site import ReadOnlyAdmin

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
class DocumentAdmin(ReadOnlyAdmin):
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


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
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
