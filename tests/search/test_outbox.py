"""The outbox and its single writer: coalescing, deletes never lost, locks never surface."""

import sys

import pytest
from django.db import transaction
from django.utils import timezone
from haystack import connections

from projects.models import ProjectSheet
from search.indexer import LEASE_NAME, lease_acquire, outbox_drain
from search.models import IndexerLease, IndexOutbox
from search.outbox import index_enqueue
from search.services import search_query

from .conftest import embedded_only
from .factories import make_framing_note, make_sheet, sheet_delete, sheet_new_version, sheet_set

pytestmark = pytest.mark.django_db


def index_count() -> int:
    return connections["default"].get_backend().document_count()


def test_service_writes_to_the_outbox_in_its_transaction(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Vélo", summary="Parking vélo")
    rows = list(IndexOutbox.objects.values_list("object_id", "action"))
    assert rows == [(str(sheet.pk), "update")]


def test_rolled_back_change_leaves_no_outbox_row(make_workspace):
    workspace, _ = make_workspace()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_sheet(workspace, title="Annulée", summary="jamais")
        raise RuntimeError
    assert IndexOutbox.objects.count() == 0


def test_repeated_changes_are_coalesced_last_one_wins(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Version 1", summary="tramway")
    sheet_new_version(sheet, title="Version 2", summary="tramway et bus")
    sheet_new_version(sheet, title="Version 3", summary="passerelle")
    assert IndexOutbox.objects.count() == 3
    report = drain()
    assert (report.rows, report.updated, report.removed) == (3, 1, 0)
    assert IndexOutbox.objects.count() == 0
    assert [h.title for h in search_query(user=None, q="passerelle").results] == ["Version 3"]
    assert search_query(user=None, q="tramway").count == 0


@embedded_only
def test_update_then_delete_in_one_batch_removes(make_workspace, drain):
    workspace, _ = make_workspace()
    keep = make_sheet(workspace, title="Reste", summary="fontaine")
    gone = make_sheet(workspace, title="Partie", summary="fontaine")
    sheet_delete(gone)
    report = drain()
    assert report.removed == 1 and index_count() == 1
    assert [h.id for h in search_query(user=None, q="fontaine").results] == [keep.pk]


@embedded_only
def test_delete_of_an_object_already_gone_still_removes_it(make_workspace, drain):
    """GIVEN an indexed sheet WHEN its row disappears and only then a delete is enqueued
    THEN the delete still reaches the index (deletes never need the object)."""
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="kiosque")
    drain()
    pk = sheet.pk
    sheet.framing_notes.all().delete()
    ProjectSheet.objects.filter(pk=pk).update(current_version=None)
    sheet.versions.all().delete()
    ProjectSheet.objects.filter(pk=pk).delete()
    assert index_count() == 1
    index_enqueue(ProjectSheet(pk=pk), delete=True)
    drain()
    assert index_count() == 0


@embedded_only
def test_update_of_a_vanished_object_becomes_a_removal(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="kiosque")
    drain()
    with transaction.atomic():
        index_enqueue(sheet)  # an update enqueued...
        ProjectSheet.objects.filter(pk=sheet.pk).update(current_version=None)  # ...not indexable
    drain()
    assert index_count() == 0


def test_sheet_change_refreshes_its_framing_notes(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="x", stage="initiative")
    make_framing_note(sheet, intent="cadrage du marché")
    drain()
    assert search_query(user=None, q="marche", stage="consultation").count == 0
    sheet_set(sheet, stage="consultation")
    drain()
    assert search_query(user=None, q="marche", stage="consultation").count == 1


def test_workspace_change_refreshes_its_content(make_workspace, drain):
    workspace, _ = make_workspace(visibility="private")
    make_sheet(workspace, title="Fiche", summary="lavoir")
    drain()
    assert search_query(user=None, q="lavoir").count == 0
    with transaction.atomic():
        type(workspace).objects.filter(pk=workspace.pk).update(visibility="public")
        index_enqueue(workspace)
    drain()
    assert search_query(user=None, q="lavoir").count == 1


def test_only_one_drainer_writes_at_a_time(make_workspace):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Fiche", summary="x")
    assert lease_acquire("someone-else")
    report = outbox_drain()
    assert report.skipped_locked and report.rows == 0
    assert IndexOutbox.objects.count() == 1


def test_an_expired_lease_is_taken_over(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Fiche", summary="x")
    assert lease_acquire("crashed-worker")
    IndexerLease.objects.filter(name=LEASE_NAME).update(
        expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert drain().rows == 1


@embedded_only
def test_engine_write_lock_keeps_rows_and_does_not_raise(make_workspace, drain, monkeypatch):
    """GIVEN someone outside the outbox holds the engine's own write lock (tantivy's lock
    file, Whoosh's lock; e.g. a manual rebuild) WHEN the indexer drains THEN it gives up
    quietly, keeps the rows, and a later drain works."""
    backend = connections["default"].get_backend()
    monkeypatch.setattr(sys.modules[type(backend).__module__], "WRITER_LOCK_TIMEOUT", 0.1)
    monkeypatch.setattr("search.indexer.time.sleep", lambda s: None)
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Fiche", summary="lavoir")
    backend.setup()
    foreign_writer = backend.index.writer()
    try:
        report = outbox_drain()
        assert report.errors == ["index locked"] and report.rows == 0
        assert IndexOutbox.objects.count() == 1
    finally:
        if hasattr(foreign_writer, "cancel"):  # Whoosh
            foreign_writer.cancel()
        else:  # tantivy: dropping the writer releases its lock file
            foreign_writer.rollback()
            foreign_writer.wait_merging_threads()
    assert drain().rows == 1
    assert search_query(user=None, q="lavoir").count == 1


def test_drain_task_never_raises(make_workspace, monkeypatch):
    from search.tasks import drain_task

    def boom(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("search.tasks.outbox_drain", boom)
    assert drain_task.call() == 0


def test_batches_are_bounded(make_workspace, drain):
    workspace, _ = make_workspace()
    for i in range(7):
        make_sheet(workspace, title=f"Fiche {i}", summary="banc")
    report = outbox_drain(batch_size=3)
    assert report.batches == 3 and report.rows == 7
    assert search_query(user=None, q="banc").count == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_commit_schedules_a_drain(make_workspace):
    """With the immediate task backend the drain runs on commit: nothing left behind."""
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="belvédère")
    assert IndexOutbox.objects.count() == 0
    assert [h.id for h in search_query(user=None, q="belvedere").results] == [sheet.pk]
