from django.contrib import admin

from .models import Territory, Theme
from .services import territory_create, theme_create


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            super().save_model(request, obj, form, change)
        else:
            created = territory_create(name=obj.name, kind=obj.kind, parent=obj.parent)
            obj.pk = created.pk


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            super().save_model(request, obj, form, change)
        else:
            obj.pk = theme_create(name=obj.name, description=obj.description).pk
