"""The activity log in the admin: read only, like the log itself."""

from django.contrib import admin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    # Append-only rows: the admin shows them and changes nothing. (The shared ReadOnlyAdmin
    # lives in accounts, above this app.)
    list_display = ["created", "actor", "verb", "target_repr", "workspace"]
    list_filter = ["verb"]
    search_fields = ["target_repr", "verb"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
