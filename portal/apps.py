from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: what gathers several apps (the demo data today; the pages that compose
    several apps' selectors next). It may import every app; no app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "Portail"
