from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: what gathers several apps (the demo data, the sheet page, the public
    service pages, a person's data export). It may import every app; no app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "Portail"

    def ready(self) -> None:
        from accounts.deletion import account_deletion_hook_register

        from .account_hooks import WORKSPACE_DELETION_HOOK

        account_deletion_hook_register(WORKSPACE_DELETION_HOOK)
