"""`index_enqueue`: how other apps' services tell search that an object changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model

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
    _drain_on_commit()


def index_enqueue_many(model: type[Model], pks: Iterable[Any], *, delete: bool = False) -> int:
    """`index_enqueue` for many rows of one model at once: one INSERT per thousand rows, no
    object loaded. Returns how many rows were enqueued."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    action = IndexOutbox.Action.DELETE if delete else IndexOutbox.Action.UPDATE
    rows = [IndexOutbox(content_type=content_type, object_id=str(pk), action=action) for pk in pks]
    if not rows:
        return 0
    IndexOutbox.objects.bulk_create(rows, batch_size=1000)
    _drain_on_commit()
    return len(rows)


def index_enqueue_workspace(workspace: Any, *, delete: bool = False) -> int:
    """Everything of `workspace` that the index holds, to re-index after a change of what it
    shows to whom (its visibility), or to remove before the workspace is deleted.

    Call it in the service's transaction, like `index_enqueue`. Until the indexer has run, the
    search service's database check already hides what became private; what became public
    shows up once these rows are drained (in batches, like any other change).
    """
    from .search_indexes import workspace_index_targets

    return sum(
        index_enqueue_many(model, pks, delete=delete)
        for model, pks in workspace_index_targets(workspace.pk, delete=delete)
    )


def _drain_on_commit() -> None:
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
