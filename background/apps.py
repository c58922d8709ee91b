from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Travail en arrière-plan")

    def ready(self) -> None:
        from . import periodic_jobs  # noqa: F401 - registers the jobs
