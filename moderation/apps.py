from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Modération")

    def ready(self) -> None:
        from machines import machine_install

        from . import permissions, verbs  # noqa: F401 - registers policies and verbs
        from .machine import MODERATION

        machine_install(MODERATION)
