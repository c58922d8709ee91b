"""An upgrade that adds an indexed field (issue 17 added the participation level) leaves an
index on disk the engine cannot open: the first search that fails on it asks the worker for a
rebuild, which recreates the index with the code's fields; the worker's sweep does too."""

import os
import shutil

import pytest
from django.conf import settings
from haystack import connections

from search.indexer import index_repair, index_schema_stale
from search.services import search_query

from .factories import make_sheet

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "tantivy" not in settings.HAYSTACK_CONNECTIONS["default"].get("PATH", ""),
        reason="an older tantivy index is written with tantivy's own API",
    ),
]


def older_index() -> None:
    """Replace the index by an empty one built without the `participation_level` field."""
    import tantivy

    backend = connections["default"].get_backend()
    unified = connections["default"].get_unified_index()
    fields = {k: v for k, v in unified.all_searchfields().items() if k != "participation_level"}
    _content, schema = backend.build_schema(fields)
    path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    shutil.rmtree(path)
    os.makedirs(path)
    writer = tantivy.Index(schema, path=path).writer()
    writer.commit()
    writer.wait_merging_threads()
    backend.setup_complete = False  # the process learns it as a restarted one would


def test_a_search_on_an_older_index_asks_for_the_rebuild(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Jardin partagé", summary="Un jardin")
    drain()
    older_index()
    assert index_schema_stale()
    first = search_query(user=None, q="jardin")
    # The failed search is answered without results; its repair request ran (immediate tasks).
    assert first.index_state == "unavailable" and first.count == 0
    assert not index_schema_stale()
    again = search_query(user=None, q="jardin")
    assert again.index_state == "ok"
    assert [(hit.type, hit.id) for hit in again.results] == [("sheet", sheet.pk)]


def test_the_workers_sweep_rebuilds_an_older_index(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Jardin partagé", summary="Un jardin")
    drain()
    older_index()
    index_repair()
    assert not index_schema_stale()
    page = search_query(user=None, q="jardin", participation_level="consult")
    assert [(hit.type, hit.id) for hit in page.results] == [("sheet", sheet.pk)]


def test_a_current_index_is_not_stale(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Jardin", summary="Un jardin")
    drain()
    assert not index_schema_stale()
    assert index_repair() == "ok"
