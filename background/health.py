"""The worker part of /healthz: is a worker alive, and does work wait longer than it should?"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from .models import WorkerHeartbeat
from .queue import tasks_queued_in_database
from .services import workers_alive


class ComponentDown(Exception):
    """A part is down; `fields` (backlog, ages, states) are still reported by /healthz
    (config/health.py). Raised by the apps' own checks (the worker here, search)."""

    def __init__(self, fields: dict) -> None:
        super().__init__(fields)
        self.fields = fields


def _age(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds()))


def worker_health(*, also_waiting_since: datetime | None = None) -> dict:
    """Fields for /healthz; raises ComponentDown when the worker is down.

    The worker counts as down only when work has waited past FABRIQUE_WORKER_DOWN_AFTER_SECONDS
    with no live worker: a fresh install, `make run`'s first seconds or a quiet night without
    a heartbeat are "idle", not an outage. `also_waiting_since` is the oldest piece of work
    other apps keep outside the task queue (the search outbox).
    """
    from django_tasks_db.models import DBTaskResult

    if not tasks_queued_in_database():
        # Tasks run inside the request that enqueues them: there is no worker to wait for.
        return {"worker": "inline", "task_backlog": 0}
    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    backlog = ready.aggregate(oldest=Min("enqueued_at"))
    count = ready.count()
    newest = (
        WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()
    )
    alive = workers_alive(now=now)
    oldest_candidates = [t for t in (backlog["oldest"], also_waiting_since) if t is not None]
    oldest = min(oldest_candidates) if oldest_candidates else None
    fields = {
        "workers_alive": len(alive),
        "worker_last_seen_seconds": _age(newest, now),
        "task_backlog": count,
        "task_backlog_oldest_seconds": _age(backlog["oldest"], now),
    }
    if alive:
        fields["worker"] = "ok"
        return fields
    overdue = oldest is not None and now - oldest > timedelta(
        seconds=settings.FABRIQUE_WORKER_DOWN_AFTER_SECONDS
    )
    if overdue:
        raise ComponentDown(fields)
    fields["worker"] = "idle"
    return fields
