from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Réunions publiques et ateliers")

    def ready(self) -> None:
        from . import periodic, verbs  # noqa: F401 - registers the jobs and verbs
