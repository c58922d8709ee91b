"""Staff manage territories and themes here, through the services. Nothing is deleted: sheets,
workspaces, profiles and sheet versions refer to them, and a theme removed from under its
sheets would change them without a version or a re-index."""

from django.contrib import admin

from .models import Territory, Theme
from .services import territory_create, territory_update, theme_create, theme_update


class NoDeleteAdmin(admin.ModelAdmin):
    readonly_fields = ["slug"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Territory)
class TerritoryAdmin(NoDeleteAdmin):
    list_display = ["name", "kind", "parent", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]

    def save_model(self, request, obj, form, change):
        fields = {"name": obj.name, "kind": obj.kind, "parent": obj.parent}
        if change:
            territory_update(territory=obj, **fields)
        else:
            obj.pk = territory_create(**fields).pk


@admin.register(Theme)
class ThemeAdmin(NoDeleteAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        fields = {"name": obj.name, "description": obj.description}
        if change:
            theme_update(theme=obj, **fields)
        else:
            obj.pk = theme_create(**fields).pk
