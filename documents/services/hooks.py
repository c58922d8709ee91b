"""Side effects the document services schedule after commit: text extraction, file deletion.

Search is not among them: it follows the events the services record."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


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
