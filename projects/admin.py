"""Read-only admin for sheets, versions and framing notes: writes go through the services."""

from django.contrib import admin

from accounts.admin_site import ReadOnlyAdmin

from .models import FramingNote, ProjectSheet, SheetVersion


@admin.register(ProjectSheet)
class ProjectSheetAdmin(ReadOnlyAdmin):
    list_display = ["title", "workspace", "stage", "is_public", "updated"]
    list_filter = ["stage", "is_public"]
    search_fields = ["title", "slug"]
    list_select_related = ["workspace"]


@admin.register(SheetVersion)
class SheetVersionAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "number", "author", "created"]
    list_select_related = ["sheet", "author"]
    search_fields = ["sheet__title"]


@admin.register(FramingNote)
class FramingNoteAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "author", "participation_level", "status", "published_at"]
    list_filter = ["status", "participation_level"]
    list_select_related = ["sheet", "author"]
