"""Writes of the background app: heartbeats, and handing a dead worker's tasks to another."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .liveness import process_alive, this_host
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded on a task whose workers kept vanishing while running it."""


def worker_heartbeat_record(*, worker_id: str, started_at: datetime) -> None:
    """Say "this worker is alive" (a thread of the worker calls it every few seconds)."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        heartbeat = WorkerHeartbeat(
            worker_id=worker_id,
            host=this_host(),
            pid=os.getpid(),
            started_at=started_at,
            last_seen=now,
        )
        heartbeat.full_clean()
        heartbeat.save()


def worker_heartbeat_remove(*, worker_id: str) -> None:
    """A worker stopping cleanly leaves no heartbeat to wait for."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def workers_alive(*, now: datetime | None = None) -> set[str]:
    """Ids of workers with a fresh heartbeat whose process (when on this host) still exists."""
    now = now or timezone.now()
    fresh = now - timedelta(seconds=settings.FABRIQUE_WORKER_DEAD_AFTER_SECONDS)
    alive = set()
    for worker_id, host, pid in WorkerHeartbeat.objects.filter(last_seen__gte=fresh).values_list(
        "worker_id", "host", "pid"
    ):
        if process_alive(host, pid) is not False:
            alive.add(worker_id)
    return alive


def tasks_requeue_orphaned(*, now: datetime | None = None) -> int:
    """Put back in the queue the tasks left RUNNING by a worker that died (django-tasks-db
    would leave them so forever). Returns how many tasks were handed back (or given up).

    A task is orphaned when the worker that claimed it has no fresh heartbeat (or, on this
    host, no process). A worker that never wrote a heartbeat (a plain db_worker) gets
    FABRIQUE_TASK_STALE_SECONDS before its task is presumed lost. After
    FABRIQUE_TASK_MAX_ATTEMPTS claims the task is marked failed instead: a task that kills
    its worker must not kill every worker in turn.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    alive = workers_alive(now=now)
    known = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    unwatched_limit = now - timedelta(seconds=settings.FABRIQUE_TASK_STALE_SECONDS)
    handed_back = 0
    for result in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        if worker_id in alive:
            continue
        if worker_id not in known and result.started_at and result.started_at > unwatched_limit:
            continue
        # One conditional UPDATE, the claim time as compare-and-swap token: if another sweeper
        # or the worker itself (finishing after all) changed the row, we leave it alone.
        claimed = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if len(result.worker_ids) >= settings.FABRIQUE_TASK_MAX_ATTEMPTS:
            error = WorkerLost(f"{len(result.worker_ids)} workers died while running this task")
            changed = claimed.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=str(error),
            )
            if changed:
                logger.error("task %s given up: its workers kept dying", result.pk)
        else:
            changed = claimed.update(status=TaskResultStatus.READY, started_at=None)
            if changed:
                logger.warning("task %s re-queued: worker %s is gone", result.pk, worker_id)
        handed_back += changed
    return handed_back


def worker_heartbeats_prune(*, now: datetime | None = None) -> int:
    """Forget workers gone for a week (their tasks were recovered long ago)."""
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=7)).delete()
    return deleted
