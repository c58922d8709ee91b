"""Background work of the documents app: text extraction after an upload commits."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def revision_extract_text(revision_id: int) -> str:
    """Fill the revision's extracted text; a failure leaves the document usable, marked failed."""
    from events.services import event_record

    from .extraction import extract_text
    from .models import DocumentRevision, ExtractionStatus

    revision = DocumentRevision.objects.select_related("document").filter(pk=revision_id).first()
    if revision is None:  # purged meanwhile
        return "gone"
    try:
        text = extract_text(revision.storage_key, revision.mime_type)
    except Exception:
        logger.warning("text extraction failed for revision %s", revision_id, exc_info=True)
        status, text = ExtractionStatus.FAILED, ""
    else:
        status = ExtractionStatus.DONE if text else ExtractionStatus.SKIPPED
    with transaction.atomic():
        # Revisions are immutable except for this result, hence a queryset update.
        DocumentRevision.objects.filter(pk=revision_id).update(
            extraction_status=status, extracted_text=text
        )
        document = revision.document
        if document.current_revision_id == revision_id and not document.is_trashed:
            # What the document is searched by changed: search follows this (private) event.
            event_record(
                actor=None,
                verb="document.text_extracted",
                target=document,
                data={"revision": revision.number, "status": status},
            )
    return status
