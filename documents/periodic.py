"""The documents app's periodic jobs in the worker: lost extractions, stale temp files.

Both are driven by durable state — a revision still `pending`, a temp file older than the
grace period — so a worker killed at any point leaves nothing that the next round misses.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from background.periodic import periodic_job
from background.queue import tasks_queued_in_database

from .tempfiles import temp_files_clean_stale

# An extraction queued this recently is presumably on its way (commit → enqueue → claim).
EXTRACTION_LOST_AFTER = timedelta(minutes=2)


def _extraction_args(results) -> list[int]:
    ids = []
    for args_kwargs in results:
        args = (args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            ids.append(args[0])
    return ids


def extraction_requeue_lost(*, now=None) -> int:
    """Queue the extraction again for revisions still pending with no task to do it (its
    enqueue was lost, or its task gave up); after FABRIQUE_TASK_MAX_ATTEMPTS failed tasks the
    revision is marked failed, like an unreadable file. Returns how many were queued."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import DocumentRevision, ExtractionStatus
    from .tasks import revision_extract_text

    if not tasks_queued_in_database():
        return 0  # tasks run inline: nothing can be waiting
    now = now or timezone.now()
    pending = list(
        DocumentRevision.objects.filter(
            extraction_status=ExtractionStatus.PENDING, created__lt=now - EXTRACTION_LOST_AFTER
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    if not pending:
        return 0
    ours = DBTaskResult.objects.filter(task_path=revision_extract_text.module_path)
    active = set(
        _extraction_args(
            ours.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).values_list(
                "args_kwargs", flat=True
            )
        )
    )
    failures = Counter(
        _extraction_args(
            ours.filter(
                status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=7)
            ).values_list("args_kwargs", flat=True)
        )
    )
    queued = 0
    for revision_id in pending:
        if revision_id in active:
            continue
        if failures[revision_id] >= settings.FABRIQUE_TASK_MAX_ATTEMPTS:
            # Immutable rows except for this result, as in the task itself.
            DocumentRevision.objects.filter(
                pk=revision_id, extraction_status=ExtractionStatus.PENDING
            ).update(extraction_status=ExtractionStatus.FAILED)
            continue
        revision_extract_text.enqueue(revision_id)
        queued += 1
    return queued


@periodic_job(every=60, name="extraction_requeue_lost")
def _extraction_job() -> int:
    return extraction_requeue_lost()


@periodic_job(every=600, name="upload_temp_files_clean")
def _temp_files_job() -> int:
    return temp_files_clean_stale()
