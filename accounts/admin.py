from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm as BaseCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_set_platform_role


class UserCreationForm(BaseCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "platform_role", "commune", "is_active"]
    list_filter = ["platform_role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profil"),
            {"fields": ["display_name", "commune", "bio", "mandate", "response_delay_days"]},
        ),
        (_("Rôle sur la plateforme"), {"fields": ["platform_role"]}),
        (_("Accès"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]
    readonly_fields = ["last_login", "date_joined", "is_staff"]
    filter_horizontal = ["groups"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups"]
        return fields

    def save_model(self, request, obj, form, change):
        role_changed = "platform_role" in form.changed_data
        super().save_model(request, obj, form, change)
        if role_changed or not change:
            user_set_platform_role(actor=request.user, user=obj, role=obj.platform_role)
