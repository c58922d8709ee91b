from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmendmentsConfig(AppConfig):
    name = "amendments"
    verbose_name = _("Amendements")

    def ready(self) -> None:
        from machines import machine_install

        from . import periodic, permissions, verbs  # noqa: F401 - registers policies, verbs, jobs
        from .machine import AMENDMENT_STATES, ROUND_STATES

        machine_install(ROUND_STATES)
        machine_install(AMENDMENT_STATES)
