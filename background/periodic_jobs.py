"""The background app's own periodic jobs: recover dead workers' tasks, forget old workers."""

from django.conf import settings

from .periodic import periodic_job
from .queue import tasks_queued_in_database
from .services import tasks_requeue_orphaned, worker_heartbeats_prune


@periodic_job(every=lambda: settings.FABRIQUE_WORKER_SWEEP_SECONDS, name="tasks_requeue_orphaned")
def requeue_orphaned() -> int:
    if not tasks_queued_in_database():
        return 0
    return tasks_requeue_orphaned()


@periodic_job(every=24 * 3600, name="worker_heartbeats_prune")
def prune_heartbeats() -> int:
    return worker_heartbeats_prune()
