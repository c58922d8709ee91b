"""A drain that stalls past its lease (a loaded machine, a long SQLite lock wait) must never
commit an object's older state over the newer one a drain that took over has committed."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from haystack import connections

from search import indexer
from search.lease import LEASE_NAME
from search.models import IndexerLease, IndexOutbox

from .conftest import embedded_only
from .factories import document_set, make_document


def indexable_count() -> int:
    unified = connections["default"].get_unified_index()
    return sum(
        unified.get_index(model).index_queryset().count() for model in unified.get_indexed_models()
    )


@embedded_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_drain_stalled_past_its_lease_never_commits_an_older_state(make_workspace, monkeypatch):
    """GIVEN a document waiting in the outbox and a drain that read its state (not trashed) and
    then stalled past its lease WHEN the document is trashed and a second drain takes the lease
    over THEN, once both have finished, the trashed document is not in the index."""
    monkeypatch.setattr("search.outbox._schedule_drain", lambda: None)  # drains run by hand
    workspace, _ = make_workspace()
    document = make_document(workspace, title="Plan du belvédère", text="belvédère")
    assert IndexOutbox.objects.exists()

    planned, resume, takeover_applying = threading.Event(), threading.Event(), threading.Event()
    real_plan, real_apply = indexer._plan, indexer._apply_planned

    def plan(actions, using="default"):
        result = real_plan(actions, using=using)
        if threading.current_thread().name == "stalled":
            planned.set()
            resume.wait(30)
        return result

    def apply_planned(plan_fn, using="default"):
        if threading.current_thread().name == "takeover":
            takeover_applying.set()
        return real_apply(plan_fn, using=using)

    monkeypatch.setattr(indexer, "_plan", plan)
    monkeypatch.setattr(indexer, "_apply_planned", apply_planned)
    errors: list[BaseException] = []

    def drain() -> None:
        try:
            indexer.outbox_drain()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    stalled = threading.Thread(target=drain, name="stalled")
    stalled.start()
    assert planned.wait(30)
    document_set(document, trashed_at=timezone.now())
    IndexerLease.objects.filter(name=LEASE_NAME).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    takeover = threading.Thread(target=drain, name="takeover")
    takeover.start()
    assert takeover_applying.wait(30)
    takeover.join(timeout=3)  # without the writer lock around the plan, it finishes here
    resume.set()
    stalled.join(60)
    takeover.join(60)
    assert not errors, errors

    indexer.outbox_drain()
    assert not IndexOutbox.objects.exists()
    backend = connections["default"].get_backend()
    assert backend.document_count() == indexable_count()
