"""The search part of /healthz: the index is there (or being rebuilt), and the outbox backlog."""

import os

from django.db.models import Min
from django.utils import timezone
from haystack import connections

from background.health import ComponentDown

from .indexer import index_path, index_rebuild_request, index_state
from .models import IndexOutbox
from .selectors import outbox_backlog


def outbox_oldest():
    """When the oldest index change still waiting was committed (None: nothing waits)."""
    return IndexOutbox.objects.aggregate(oldest=Min("created"))["oldest"]


def search_health() -> dict:
    """Fields for /healthz; raises background.health.ComponentDown when search cannot answer.

    A missing index (directory deleted) is down, and asks the worker for a rebuild; while the
    rebuild runs the index is "rebuilding": search answers (with a notice), so not down.
    The number of indexed entries is not reported: it counts private objects, and /healthz
    answers anyone.
    """

    oldest = outbox_oldest()
    extra: dict = {
        "search_backlog": outbox_backlog(),
        "search_backlog_oldest_seconds": (
            None if oldest is None else int((timezone.now() - oldest).total_seconds())
        ),
    }
    state = index_state()
    if state == "missing":
        index_rebuild_request()
        state = index_state()  # with tasks run inline the rebuild is already done
    extra["search_index"] = state
    if state == "missing":
        raise ComponentDown(extra)
    path = index_path()
    if path:
        if not os.access(path, os.W_OK):
            raise OSError(f"search index directory {path} is not writable")
    else:
        connections["default"].get_backend().search("*", end_offset=1)
    return extra
