from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebatesConfig(AppConfig):
    name = "debates"
    verbose_name = _("Débats")

    def ready(self) -> None:
        from machines import machine_install

        from . import periodic, permissions, subscribers, verbs  # noqa: F401 - registers them
        from .machine import DEBATE_STATES

        machine_install(DEBATE_STATES)

        from workspace.views import workspace_section_register

        from .views import workspace_debates_section

        workspace_section_register(workspace_debates_section)
