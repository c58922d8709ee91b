from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")

    def ready(self) -> None:
        from events.registry import subscriber_register

        from . import periodic  # noqa: F401 - registers the worker's periodic jobs
        from .subscribers import search_on_event

        # Search follows every event that changes what it holds, in the event's transaction.
        subscriber_register(search_on_event)
