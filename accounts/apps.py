from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .signals import ensure_admin_groups

        post_migrate.connect(ensure_admin_groups, sender=self)
