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
