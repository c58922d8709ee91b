from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from . import (
            periodic,  # noqa: F401 - registers the worker's periodic jobs
            verbs,  # noqa: F401 - declares this app's activity verbs
        )
