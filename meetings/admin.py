from django.contrib import admin
from django.db import models

from .models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-only: meetings change through their services (events, e-mails, the waiting list)."""

    list_display = ("title", "kind", "starts", "state", "sheet", "territory")
    list_filter = ("kind", "state")
    search_fields = ("title", "place")
    # The online link is https only (the model's validator); Django 6 assumes it too.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
