"""The search app's periodic job in the worker: catch up without waiting for a new write."""

from django.conf import settings

from background.periodic import periodic_job

from .indexer import index_repair


@periodic_job(every=lambda: settings.FABRIQUE_WORKER_SWEEP_SECONDS, name="search_catch_up")
def search_catch_up() -> str:
    """Rebuild a lost index, apply outbox rows a dead drainer or a lost task left behind."""
    return index_repair()
