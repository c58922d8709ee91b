"""`index_enqueue`: how other apps' services tell search that an object changed."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import IndexOutbox


def index_enqueue(obj: Any, *, delete: bool = False) -> None:
    """Record that `obj` must be (re)indexed — or removed — once this transaction commits.

    Call it inside the service's transaction, also just before deleting a row (the pk is read
    now): the outbox row commits or rolls back with the change itself, so the index can never
    miss a committed change nor see a rolled-back one. A drain is scheduled on commit.
    """
    IndexOutbox.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        action=IndexOutbox.Action.DELETE if delete else IndexOutbox.Action.UPDATE,
    )
    connection = transaction.get_connection()
    # One drain per transaction is enough, however many objects it touched.
    if not any(item[1] is _schedule_drain for item in connection.run_on_commit):
        transaction.on_commit(_schedule_drain)


def _schedule_drain() -> None:
    from .tasks import drain_task

    try:
        drain_task.enqueue()
    except Exception:  # never fail the user's request: the worker's loop drains anyway
        import logging

        logging.getLogger(__name__).exception("could not schedule a search drain")
