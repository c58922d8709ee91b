"""Nobody finds, counts or reads a snippet of what they may not see; the database decides."""

import pytest
from django.utils import timezone

from search.services import search_query
from tests.conftest import client_for
from workspace.models import Membership

from .factories import (
    document_set,
    make_document,
    make_framing_note,
    make_sheet,
    sheet_set,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("candidate_path")]

MEMBERS = ["reader", "contributor", "editor", "owner"]
NON_MEMBERS = ["anonymous", "outsider", "staff", "official"]


def found(user, q="secret"):
    page = search_query(user=user, q=q)
    return (
        page.count,
        {(h.type, h.id) for h in page.results},
        " ".join(h.snippet for h in page.results),
    )


def api_found(user, q="secret"):
    body = client_for(user).get("/api/v1/search/", {"q": q}).json()
    return body["count"], {(r["type"], r["id"]) for r in body["results"]}


@pytest.mark.parametrize("actor", MEMBERS + NON_MEMBERS)
def test_private_workspace_content_only_for_members(make_workspace, drain, actor):
    workspace, actors = make_workspace(visibility="private")
    sheet = make_sheet(workspace, title="Projet confidentiel", summary="Le secret des jardins")
    note = make_framing_note(sheet, intent="Un cadrage secret")
    drain()
    count, hits, snippets = found(actors[actor])
    if actor in MEMBERS:
        assert hits == {("sheet", sheet.pk), ("framing_note", note.pk)}
        assert count == 2
    else:
        assert (count, hits, snippets) == (0, set(), "")
        assert api_found(actors[actor]) == (0, set())


@pytest.mark.parametrize("actor", MEMBERS + NON_MEMBERS)
def test_non_public_sheet_of_public_workspace_only_for_members(make_workspace, drain, actor):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Brouillon", summary="Un secret", is_public=False)
    make_framing_note(sheet, intent="secret")
    public = make_sheet(workspace, title="Publique", summary="Pas de secret ici")
    drain()
    count, hits, _ = found(actors[actor])
    if actor in MEMBERS:
        assert ("sheet", sheet.pk) in hits and count == 3
    else:
        assert hits == {("sheet", public.pk)} and count == 1


def test_draft_framing_note_is_not_indexed(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="rien")
    make_framing_note(sheet, intent="brouillon secret", published=False)
    drain()
    assert found(actors["owner"])[0] == 0


def test_sheet_made_private_disappears(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="secret partagé")
    note = make_framing_note(sheet, intent="cadrage secret")
    drain()
    assert found(None)[1] == {("sheet", sheet.pk), ("framing_note", note.pk)}
    sheet_set(sheet, is_public=False)
    drain()
    assert found(None) == (0, set(), "")
    assert found(actors["reader"])[0] == 2


def test_stale_index_never_leaks_the_database_decides(make_workspace, drain):
    """GIVEN a public sheet indexed as public
    WHEN its workspace turns private without anyone telling the index
    THEN it is neither listed, nor counted, nor excerpted for outsiders."""
    workspace, actors = make_workspace()
    make_sheet(workspace, title="Fiche", summary="secret")
    drain()
    type(workspace).objects.filter(pk=workspace.pk).update(visibility="private")
    assert found(None) == (0, set(), "")
    assert found(actors["outsider"]) == (0, set(), "")
    assert found(actors["reader"])[0] == 1


def test_removed_member_stops_finding_private_content(make_workspace, drain):
    workspace, actors = make_workspace(visibility="private")
    make_sheet(workspace, title="Fiche", summary="secret")
    drain()
    assert found(actors["reader"])[0] == 1
    Membership.objects.filter(user=actors["reader"], workspace=workspace).delete()
    assert found(actors["reader"])[0] == 0


def test_counts_and_pages_are_computed_after_the_visibility_check(make_workspace, drain):
    public_ws, _ = make_workspace()
    private_ws, _ = make_workspace(visibility="private")
    for i in range(25):
        make_sheet(private_ws, title=f"Privée {i}", summary="secret")
    for i in range(3):
        make_sheet(public_ws, title=f"Publique {i}", summary="secret")
    drain()
    page = search_query(user=None, q="secret")
    assert page.count == 3 and page.num_pages == 1 and len(page.results) == 3
    body = client_for(None).get("/api/v1/search/", {"q": "secret", "page": 1}).json()
    assert body["count"] == 3 and body["next"] is None


@pytest.mark.parametrize("actor", MEMBERS + NON_MEMBERS)
def test_members_only_document(make_workspace, drain, actor):
    workspace, actors = make_workspace()
    doc = make_document(
        workspace, title="Compte rendu", text="le secret du bureau", visibility="members"
    )
    public_doc = make_document(
        workspace, title="Affiche", text="pas de secret", visibility="public"
    )
    drain()
    count, hits, snippets = found(actors[actor])
    if actor in MEMBERS:
        assert hits == {("document", doc.pk), ("document", public_doc.pk)}
    else:
        assert hits == {("document", public_doc.pk)} and count == 1
        assert "bureau" not in snippets


@pytest.mark.parametrize("actor", MEMBERS + NON_MEMBERS)
def test_public_document_of_private_workspace(make_workspace, drain, actor):
    workspace, actors = make_workspace(visibility="private")
    make_document(workspace, title="Affiche", text="secret", visibility="public")
    drain()
    assert found(actors[actor])[0] == (1 if actor in MEMBERS else 0)


def test_trashed_document_disappears(make_workspace, drain):
    workspace, actors = make_workspace()
    doc = make_document(workspace, title="Plan", text="le plan secret", visibility="public")
    drain()
    assert found(None)[1] == {("document", doc.pk)}
    document_set(doc, trashed_at=timezone.now())
    drain()
    assert found(None) == (0, set(), "")
    assert found(actors["owner"]) == (0, set(), "")


def test_trashed_document_hidden_even_before_the_indexer_runs(make_workspace, drain):
    workspace, actors = make_workspace()
    doc = make_document(workspace, title="Plan", text="secret", visibility="public")
    drain()
    type(doc).objects.filter(pk=doc.pk).update(trashed_at=timezone.now())
    assert found(actors["owner"])[0] == 0


def test_superuser_sees_everything(make_workspace, drain):
    from tests.factories import UserFactory

    workspace, _ = make_workspace(visibility="private")
    make_sheet(workspace, title="Fiche", summary="secret", is_public=False)
    drain()
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert found(admin)[0] == 1


def test_candidate_cap_counts_only_visible_hits(make_workspace, drain, monkeypatch):
    """The cap applies after the index's visibility filter: a member's private hits are not
    crowded out by public ones, and the page says when more matched than it lists."""
    import search.services

    public, _ = make_workspace()
    private, actors = make_workspace(visibility="private")
    for i in range(4):
        make_sheet(public, title=f"Secret public {i}", summary="Un secret partagé")
    for i in range(2):
        make_sheet(private, title=f"Secret privé {i}", summary="Un secret gardé")
    drain()
    monkeypatch.setattr(search.services, "MAX_CANDIDATES", 3)
    anonymous = search_query(user=None, q="secret")
    assert (anonymous.count, anonymous.capped) == (3, True)
    monkeypatch.setattr(search.services, "MAX_CANDIDATES", 6)
    member = search_query(user=actors["reader"], q="secret")
    assert (member.count, member.capped) == (6, False)
    assert search_query(user=None, q="secret").count == 4


def test_a_new_membership_widens_results_at_once(make_workspace, drain):
    """Visibility filters are cached per index generation, keyed by who may see what: joining
    a workspace changes the key, so its content shows up in the very next search."""
    private, actors = make_workspace(visibility="private")
    sheet = make_sheet(private, title="Projet secret", summary="Le secret du quartier")
    drain()
    outsider = actors["outsider"]
    assert found(outsider)[0] == 0
    Membership.objects.create(workspace=private, user=outsider, role="reader")
    assert found(outsider)[1] == {("sheet", sheet.pk)}
    Membership.objects.filter(workspace=private, user=outsider).delete()
    assert found(outsider)[0] == 0
