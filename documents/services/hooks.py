"""Side effects the document services schedule: search outbox entries and text extraction."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Model

logger = logging.getLogger(__name__)


def search_enqueue(obj: Model, *, delete: bool = False) -> None:
    """Record an index change in the search outbox, inside the caller's transaction.

    The search app may not be installed yet (or at all); documents never depend on it.
    """
    try:
        from search.outbox import index_enqueue
    except ImportError:
        return
    index_enqueue(obj, delete=delete)


def schedule_extraction(revision_id: int) -> None:
    def enqueue() -> None:
        from ..tasks import revision_extract_text

        try:
            revision_extract_text.enqueue(revision_id)
        except Exception:  # the upload is committed; a lost extraction shows as "pending"
            logger.exception("could not enqueue text extraction for revision %s", revision_id)

    transaction.on_commit(enqueue)


def schedule_file_delete(keys: list[str]) -> None:
    """Delete files only once the rows that pointed at them are gone for good."""

    def delete() -> None:
        from ..storage import storage_delete

        for key in keys:
            try:
                storage_delete(key)
            except Exception:  # documents_check --repair finds what is left
                logger.exception("could not delete stored file %s", key)

    transaction.on_commit(delete)
