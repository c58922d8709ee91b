from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Espaces de travail")

    def ready(self) -> None:
        from . import verbs  # noqa: F401 - declares this app's activity verbs
