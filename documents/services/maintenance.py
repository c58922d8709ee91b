"""Storage maintenance: deleting a stored file no revision owns, safely beside live uploads."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from ..models import DocumentRevision
from ..storage import document_storage, storage_delete

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def storage_orphan_delete(*, actor: User | None = None, key: str, stored_before: datetime) -> bool:
    """Delete the stored file `key` if no revision references it and it was stored before
    `stored_before`; True if deleted.

    An upload stores its file first and creates its revision row afterwards (an S3 upload can
    take minutes, outside any transaction): a file without a row may be an upload in flight.
    Only files older than the caller's grace period are candidates, and the row check is done
    again here, just before deleting, not from a list read earlier.
    """
    del actor  # maintenance runs as the system; kept for the services' shape
    storage = document_storage()
    try:
        modified = storage.get_modified_time(key)
    except (FileNotFoundError, NotImplementedError):
        return False
    except Exception:  # S3 answers a missing key with its own error types
        if not storage.exists(key):
            return False
        raise
    if modified >= stored_before:
        return False
    if DocumentRevision.objects.filter(storage_key=key).exists():
        return False
    storage_delete(key)
    logger.info("deleted orphan file %s (stored %s)", key, modified.isoformat())
    return True
