"""Which task backend runs the work: a database queue with workers, or inline (tests)."""

from __future__ import annotations


def tasks_queued_in_database() -> bool:
    """True when tasks wait in the database for a worker; False when they run inline."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    # `default_task_backend` is a proxy: isinstance() must see the backend itself.
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
