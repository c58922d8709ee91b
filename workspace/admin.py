from django.contrib import admin

from .models import Activity, Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["user", "role", "created"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "visibility", "territory", "created"]
    list_filter = ["kind", "visibility"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
    readonly_fields = ["created", "updated", "created_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "verb", "target_repr", "workspace"]
    list_filter = ["verb"]
    search_fields = ["target_repr", "verb"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
