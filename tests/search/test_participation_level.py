"""Search by the promised participation level (issue 17): the page /recherche/ and the API,
through every way the service asks the engine (tests/search runs on tantivy and on Whoosh).
A note, document, debate or amendment matches through its sheet's level; a private sheet's
level is never learnt by filtering on it."""

import pytest

from projects.services import sheet_update
from tests.conftest import client_for
from tests.debates.factories import debate

from .factories import make_document, make_framing_note, make_sheet, sheet_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_workspace, drain):
    public, actors = make_workspace()
    private, private_actors = make_workspace(visibility="private")
    decide = sheet_set(
        make_sheet(public, title="Budget vélo", summary="Le vélo décidé ensemble"),
        participation_level="co_decide",
    )
    consult = make_sheet(public, title="Cour vélo", summary="Un avis sur le vélo")  # consult
    secret = sheet_set(
        make_sheet(private, title="Vélo secret", summary="Le vélo des membres"),
        participation_level="co_decide",
    )
    note = make_framing_note(decide, intent="Le sens de la demande : le vélo partout")
    doc = make_document(public, title="Plan vélo", text="Carte vélo", sheet=decide)
    talk = debate(sheet=decide, author=actors["contributor"], title="Quel vélo ?")
    drain()
    return {
        "decide": decide,
        "consult": consult,
        "secret": secret,
        "note": note,
        "doc": doc,
        "debate": talk,
        "actors": actors,
        "member": private_actors["reader"],
    }


def found(params, user=None) -> set[tuple[str, int]]:
    response = client_for(user).get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {(r["type"], r["id"]) for r in body["results"]}


def test_the_api_filters_by_level_through_the_sheet(corpus, candidate_path):
    decide = corpus["decide"]
    assert found({"q": "vélo", "participation_level": "co_decide"}) == {
        ("sheet", decide.pk),
        ("framing_note", corpus["note"].pk),
        ("document", corpus["doc"].pk),
        ("debate", corpus["debate"].pk),
    }
    assert found({"q": "vélo", "participation_level": "consult"}) == {
        ("sheet", corpus["consult"].pk)
    }
    assert found({"q": "vélo", "participation_level": "inform"}) == set()
    assert found({"q": "vélo", "participation_level": "co_decide", "type": "sheet"}) == {
        ("sheet", decide.pk)
    }


def test_a_private_sheet_is_found_by_level_only_by_its_members(corpus, candidate_path):
    params = {"q": "secret", "participation_level": "co_decide"}
    assert found(params) == set()
    assert found(params, corpus["actors"]["outsider"]) == set()
    assert found(params, corpus["member"]) == {("sheet", corpus["secret"].pk)}


def test_a_change_of_level_is_followed_by_the_index(corpus, drain):
    sheet = corpus["consult"]
    editor = corpus["actors"]["editor"]
    sheet_update(
        actor=editor,
        sheet=sheet,
        base_version=sheet.current_version.number,
        participation_level="co_construct",
    )
    drain()
    assert found({"q": "cour", "participation_level": "co_construct"}) == {("sheet", sheet.pk)}
    assert found({"q": "cour", "participation_level": "consult"}) == set()


@pytest.mark.parametrize("value", ["boss", "CO_DECIDE", "x" * 200])
def test_an_unknown_level_is_a_400_in_the_api(corpus, value):
    response = client_for(None).get("/api/v1/search/", {"q": "vélo", "participation_level": value})
    assert response.status_code == 400
    assert "participation_level" in response.json()


def test_the_page_filters_by_level_and_ignores_an_unknown_one(corpus, client):
    html = client.get("/recherche/", {"q": "vélo", "participation_level": "consult"}).content
    html = html.decode()
    assert "Cour vélo" in html and "Budget vélo" not in html
    assert '<option value="consult" selected>' in html
    every = client.get("/recherche/", {"q": "vélo", "participation_level": "boss"}).content
    assert "Cour vélo" in every.decode() and "Budget vélo" in every.decode()


def test_the_engine_itself_holds_the_level_as_a_term(corpus):
    """The engine narrows on the level before the database's check (a filter on the database
    alone would lose matches past the candidates' cap)."""
    from haystack.inputs import AutoQuery
    from haystack.query import SearchQuerySet

    hits = SearchQuerySet().filter(content=AutoQuery("vélo"), participation_level="co_decide")
    keys = {(hit.model_name, int(hit.pk)) for hit in hits}
    assert ("projectsheet", corpus["decide"].pk) in keys
    assert ("projectsheet", corpus["secret"].pk) in keys  # the engine's; the database then checks
    assert ("projectsheet", corpus["consult"].pk) not in keys
