from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficialsConfig(AppConfig):
    name = "officials"
    verbose_name = _("Élu·es et demandes")

    def ready(self) -> None:
        from machines import machine_install

        from . import periodic, verbs  # noqa: F401 - registers the jobs and verbs
        from .machine import REQUEST_STATES

        machine_install(REQUEST_STATES)
