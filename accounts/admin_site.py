"""The project's admin site: Django's, except that changing one's own password goes through
the accounts service like every other password change."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class FabriqueAdminSite(admin.AdminSite):
    site_header = "Fabrique"
    site_title = "Fabrique"

    def password_change(self, request, extra_context=None):
        from django.contrib.auth.views import PasswordChangeView
        from django.urls import reverse

        from .forms import OwnPasswordChangeForm

        defaults = {
            "form_class": OwnPasswordChangeForm,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return PasswordChangeView.as_view(**defaults)(request)


class FabriqueAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.FabriqueAdminSite"


class ReadOnlyAdmin(admin.ModelAdmin):
    """For models whose writes have no service yet, or are immutable records: the admin shows
    them and changes nothing (a write outside the services would skip locks, logs, files and
    the search index)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def admin_batch(model_admin, request, queryset, write, *, errors, done) -> None:
    """Run a service on every selected row, all or nothing: one row the actor may not touch
    refuses the whole batch, and the admin says why."""
    from django.contrib import messages
    from django.db import transaction

    try:
        with transaction.atomic():
            # Only the selected rows: the admin joins nullable relations (territory, commune).
            for obj in queryset.select_for_update(of=("self",)):
                write(obj)
    except errors as error:
        model_admin.message_user(request, getattr(error, "message", str(error)), messages.ERROR)
        return
    model_admin.message_user(request, done, messages.SUCCESS)
