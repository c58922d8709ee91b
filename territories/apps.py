from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires et thèmes")

    def ready(self) -> None:
        from . import permissions, verbs  # noqa: F401 - registers the policy and the verbs
