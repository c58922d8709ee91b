"""What a search page and a rebuild cost in queries does not grow with the entries they read.

The result and indexing querysets load only the columns they read (`QuerySet.only`): a column
left out would cost one query per hit or per entry, which these counts catch.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.indexer import index_rebuild
from search.services import search_query
from tests.conftest import client_for

from .factories import make_document, make_framing_note, make_sheet

pytestmark = pytest.mark.django_db


def add_entries(workspace, start: int, count: int) -> None:
    """Sheets with a territory and a theme, each with a framing note and an attached document."""
    for i in range(start, start + count):
        sheet = make_sheet(
            workspace,
            title=f"Fiche {i}",
            summary="Le tilleul de la place",
            territory="strasbourg",
            themes=("mobilite",),
        )
        make_framing_note(sheet, intent=f"Le tilleul, note {i}")
        make_document(workspace, title=f"Plan {i}", text="Un tilleul à planter", sheet=sheet)


def api_queries(user, q: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client_for(user).get("/api/v1/search/", {"q": q})
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), response.json()


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_a_search_page_costs_the_same_queries_for_3_hits_as_for_20(make_workspace, drain, who):
    workspace, actors = make_workspace()
    add_entries(workspace, 0, 1)
    drain()
    few, first = api_queries(actors[who], "tilleul")
    assert first["count"] == 3 and len(first["results"]) == 3
    add_entries(workspace, 1, 9)
    drain()
    many, full = api_queries(actors[who], "tilleul")
    assert full["count"] == 30 and len(full["results"]) == 20
    # Every kind of hit on the page, with what a result shows read from the loaded rows.
    assert {r["type"] for r in full["results"]} == {"sheet", "framing_note", "document"}
    assert all(
        r["workspace"] == workspace.slug and "<mark>" in r["snippet"] for r in full["results"]
    )
    assert many == few


def test_a_person_granted_a_document_pays_one_more_query_not_one_per_grant(make_workspace, drain):
    from documents.services import document_grant_view
    from tests.factories import UserFactory

    private, actors = make_workspace(visibility="private")
    docs = [
        make_document(private, title=f"Note {i}", text="le lavoir", visibility="members")
        for i in range(3)
    ]
    drain()
    guest = UserFactory()
    with CaptureQueriesContext(connection) as before:
        assert search_query(user=guest, q="lavoir").count == 0
    document_grant_view(actor=actors["owner"], document=docs[0], user=guest)
    with CaptureQueriesContext(connection) as one:
        assert [h.id for h in search_query(user=guest, q="lavoir").results] == [docs[0].pk]
    for doc in docs[1:]:
        document_grant_view(actor=actors["owner"], document=doc, user=guest)
    with CaptureQueriesContext(connection) as three:
        found = search_query(user=guest, q="lavoir")
    assert {h.id for h in found.results} == {d.pk for d in docs} and found.count == 3
    # The granted documents sit in a workspace the guest may not see: it is not named.
    assert {h.workspace for h in found.results} == {None}
    assert len(one.captured_queries) == len(three.captured_queries)
    assert len(before.captured_queries) < len(one.captured_queries)


def test_a_rebuild_reads_the_database_in_the_same_queries_for_3_entries_as_for_30(
    make_workspace,
):
    workspace, _ = make_workspace()
    add_entries(workspace, 0, 1)
    index_rebuild()  # the first one also creates the index and its leases
    with CaptureQueriesContext(connection) as few:
        assert index_rebuild() == 3
    add_entries(workspace, 1, 9)
    with CaptureQueriesContext(connection) as many:
        assert index_rebuild() == 30
    assert len(many.captured_queries) == len(few.captured_queries)
    page = search_query(user=None, q="tilleul", theme="mobilite", territory="strasbourg")
    assert page.count == 30
