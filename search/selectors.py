"""Reads of the search app: the outbox backlog and the index size, for health and admin."""

from __future__ import annotations

from haystack import connections

from .models import IndexOutbox


def outbox_backlog() -> int:
    """Index changes committed but not yet applied."""
    return IndexOutbox.objects.count()


def index_document_count() -> int | None:
    backend = connections["default"].get_backend()
    counter = getattr(backend, "document_count", None)
    return counter() if counter else None
