"""GET /api/v1/search/ and /recherche/: shape, filters, pagination, empty state, query counts."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

from .factories import make_document, make_framing_note, make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_workspace, drain):
    ws_a, actors = make_workspace()
    ws_b, _ = make_workspace()
    sheets = {
        "velo": make_sheet(
            ws_a,
            title="Pistes cyclables",
            summary="Un réseau vélo pour le quartier",
            stage="consultation",
            territory="strasbourg",
            themes=("mobilite",),
        ),
        "ecole": make_sheet(
            ws_b,
            title="Cour d'école",
            summary="Végétaliser la cour, vélo compris",
            territory="schiltigheim",
            themes=("environnement",),
        ),
    }
    note = make_framing_note(sheets["velo"], intent="Le sens de la demande : le vélo partout")
    doc = make_document(
        ws_a, title="Plan vélo", text="Carte des itinéraires vélo", sheet=sheets["velo"]
    )
    drain()
    return {"ws_a": ws_a, "ws_b": ws_b, "actors": actors, "note": note, "doc": doc, **sheets}


def api(params, user=None):
    response = client_for(user).get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_api_shape(corpus):
    body = api({"q": "velo"})
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) == 4
    types = {r["type"] for r in body["results"]}
    assert types <= {"sheet", "document", "framing_note"} and "framing_note" in types
    for r in body["results"]:
        assert set(r) >= {"type", "id", "title", "url", "snippet"}
        assert "<mark>" in r["snippet"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "sheet"}, {"velo", "ecole"}),
        ({"type": "framing_note"}, {"note"}),
        ({"stage": "consultation"}, {"velo", "note", "doc"}),
        ({"territory": "schiltigheim"}, {"ecole"}),
        ({"theme": "mobilite"}, {"velo", "note", "doc"}),
        ({"workspace": "WS_B"}, {"ecole"}),
        ({"type": "sheet", "theme": "mobilite"}, {"velo"}),
    ],
)
def test_api_filters(corpus, params, expected):
    if params.get("workspace") == "WS_B":
        params = {**params, "workspace": corpus["ws_b"].slug}
    want = {
        (("framing_note" if k == "note" else "document" if k == "doc" else "sheet"), corpus[k].pk)
        for k in expected
    }
    body = api({"q": "velo", **params})
    assert {(r["type"], r["id"]) for r in body["results"]} == want
    assert body["count"] == len(want)


def test_api_document_type_filter(corpus):
    body = api({"q": "itineraires", "type": "document"})
    assert [(r["type"], r["id"]) for r in body["results"]] == [("document", corpus["doc"].pk)]


def test_api_unknown_type_is_a_400(corpus):
    response = client_for(None).get("/api/v1/search/", {"q": "velo", "type": "user"})
    assert response.status_code == 400


def test_api_empty_query(corpus):
    assert api({"q": ""}) == {
        "count": 0,
        "next": None,
        "previous": None,
        "index": "ok",
        "results": [],
    }


def test_api_pagination(make_workspace, drain):
    workspace, _ = make_workspace()
    for i in range(45):
        make_sheet(workspace, title=f"Fiche {i}", summary="marché de Noël")
    drain()
    first = api({"q": "marche"})
    assert first["count"] == 45 and len(first["results"]) == 20
    assert "page=2" in first["next"] and first["previous"] is None
    third = api({"q": "marche", "page": 3})
    assert len(third["results"]) == 5 and third["next"] is None and "page=2" in third["previous"]
    ids = {r["id"] for p in (1, 2, 3) for r in api({"q": "marche", "page": p})["results"]}
    assert len(ids) == 45
    past_the_end = client_for(None).get("/api/v1/search/", {"q": "marche", "page": 4})
    assert past_the_end.status_code == 404 and past_the_end.json()["detail"]
    # A search that finds nothing has one empty page, not a missing one.
    assert api({"q": "introuvablissime"})["count"] == 0


def test_api_query_count_is_bounded(make_workspace, drain, django_assert_max_num_queries):
    workspace, actors = make_workspace()
    for i in range(30):
        make_sheet(workspace, title=f"Fiche {i}", summary="tilleul", themes=("mobilite",))
        if i % 3 == 0:
            make_framing_note(
                make_sheet(workspace, title=f"F{i}", summary="tilleul"), intent="tilleul"
            )
    drain()
    with django_assert_max_num_queries(15):
        api({"q": "tilleul"}, user=actors["reader"])


def test_page_shows_highlighted_results_and_keeps_the_query(corpus, client):
    response = client.get(reverse("search:search"), {"q": "velo", "type": "sheet"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pistes cyclables" in html and "<mark>vélo</mark>" in html
    assert 'value="velo"' in html  # the box keeps the query
    assert '<option value="sheet" selected' in html


def test_page_pagination_links_keep_query_and_filters(make_workspace, drain, client):
    workspace, _ = make_workspace()
    for i in range(25):
        make_sheet(workspace, title=f"Fiche {i}", summary="lavoir", themes=("mobilite",))
    drain()
    html = client.get("/recherche/", {"q": "lavoir", "theme": "mobilite"}).content.decode()
    assert "q=lavoir&amp;theme=mobilite&amp;page=2" in html


def test_page_empty_state(corpus, client):
    html = client.get("/recherche/", {"q": "zeppelin", "type": "sheet"}).content.decode()
    assert "Aucun résultat" in html and "Retirer les filtres" in html


def test_page_without_query_invites_to_search(client, db):
    response = client.get("/recherche/")
    assert response.status_code == 200
    assert "Tapez quelques mots" in response.content.decode()


def test_header_search_box_on_every_page(client, db):
    html = client.get("/").content.decode()
    assert 'action="/recherche/"' in html and 'name="q"' in html


def test_page_never_lists_private_content(make_workspace, drain, client):
    workspace, _ = make_workspace(visibility="private")
    make_sheet(workspace, title="Fiche cachée", summary="lavoir secret")
    drain()
    html = client.get("/recherche/", {"q": "lavoir"}).content.decode()
    assert "cachée" not in html and "secret" not in html
    assert workspace.slug not in html  # not even as a filter option
