"""Health reports the backlog; the index rebuilds from the database; concurrent writers lose nothing."""

import io
import shutil
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from search.indexer import outbox_drain
from search.models import IndexOutbox
from search.selectors import index_document_count
from search.services import search_query

from .conftest import embedded_only
from .factories import (
    document_set,
    make_document,
    make_framing_note,
    make_sheet,
    sheet_delete,
)


def snapshot(user, queries):
    out = {}
    for q in queries:
        page = search_query(user=user, q=q, per_page=100)
        out[q] = (page.count, sorted((h.type, h.id) for h in page.results))
    return out


@embedded_only
@pytest.mark.django_db
def test_healthz_reports_index_and_backlog(make_workspace, client, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="A", summary="a")
    make_sheet(workspace, title="B", summary="b")
    body = client.get("/healthz").json()
    assert body["search"] == "ok" and body["search_backlog"] == 2
    drain()
    body = client.get("/healthz").json()
    assert body["search_backlog"] == 0 and "search_documents" not in body
    assert index_document_count() == 2  # counted for operators, never shown to anyone


@embedded_only
@pytest.mark.django_db
@pytest.mark.parametrize("command", ["search_rebuild", "rebuild_index"])
def test_deleting_the_index_and_rebuilding_restores_the_same_results(
    make_workspace, drain, command
):
    public_ws, actors = make_workspace()
    private_ws, _ = make_workspace(visibility="private")
    for i in range(5):
        sheet = make_sheet(
            public_ws, title=f"Fiche {i}", summary="jardin partagé", is_public=i != 0
        )
        make_framing_note(sheet, intent="un jardin pour tous")
        make_sheet(private_ws, title=f"Privée {i}", summary="jardin secret")
    make_document(public_ws, title="Plan du jardin", text="jardin", visibility="public")
    make_document(public_ws, title="Notes", text="jardin", visibility="members")
    drain()
    queries = ["jardin", "secret", "tous"]
    before = {u: snapshot(actors[u], queries) for u in ("anonymous", "reader")}
    assert before["anonymous"]["jardin"][0] > 0

    shutil.rmtree(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    if command == "rebuild_index":
        call_command(command, interactive=False, verbosity=0)
    else:
        call_command(command, stdout=io.StringIO())
    assert {u: snapshot(actors[u], queries) for u in ("anonymous", "reader")} == before


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_creation_then_drain_finds_all_and_not_the_deleted(make_workspace):
    """GIVEN 5 threads each creating 10 sheets (and 10 documents), each in its own transaction,
    every commit racing to drain WHEN some are deleted or trashed concurrently and the worker
    drains THEN every surviving object is found and no deleted one is."""
    workspace, _ = make_workspace()
    created: dict[str, list] = {"sheet": [], "document": []}
    deleted: dict[str, list] = {"sheet": [], "document": []}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            for i in range(10):
                sheet = make_sheet(workspace, title=f"Fiche {n}-{i}", summary="belvédère")
                doc = make_document(workspace, title=f"Doc {n}-{i}", text="belvédère")
                with lock:
                    created["sheet"].append(sheet.pk)
                    created["document"].append(doc.pk)
                if i % 4 == 0:
                    pk = sheet.pk
                    sheet_delete(sheet)
                    with lock:
                        deleted["sheet"].append(pk)
                    document_set(doc, trashed_at=timezone.now())
                    with lock:
                        deleted["document"].append(doc.pk)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    outbox_drain()  # the worker's safety-net pass
    assert IndexOutbox.objects.count() == 0

    page = search_query(user=None, q="belvedere", per_page=1000)
    found = {(h.type, h.id) for h in page.results}
    expected = {(t, pk) for t, pks in created.items() for pk in pks if pk not in deleted[t]}
    assert len(created["sheet"]) == 50
    assert found == expected
    assert page.count == len(expected)
    from haystack import connections

    backend = connections["default"].get_backend()
    if hasattr(backend, "document_count"):
        assert backend.document_count() == len(expected)
