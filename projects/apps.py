from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Fiches projet")

    def ready(self) -> None:
        from . import verbs  # noqa: F401 - declares this app's activity verbs
