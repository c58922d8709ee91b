from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import (
            periodic,  # noqa: F401 - registers the worker's periodic jobs
            verbs,  # noqa: F401 - declares this app's activity verbs
        )
        from .signals import ensure_admin_groups

        # After every app, not only this one: the groups hold permissions of apps that migrate
        # later (workspace, territories…), which exist only once their own post_migrate ran.
        post_migrate.connect(ensure_admin_groups, dispatch_uid="accounts.ensure_admin_groups")
