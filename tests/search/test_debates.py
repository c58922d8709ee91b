"""Debates in search: found by their title, presentation and synthesis with the French analysis,
only by those who may see them (and counted only for them), never by their messages' words."""

from __future__ import annotations

import pytest

from debates.services import comment_create, debate_close
from search.services import search_query

from ..conftest import client_for
from ..debates.factories import debate, seasoned
from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


def found(user, q, **filters):
    page = search_query(user=user, q=q, **filters)
    return page, [(hit.type, hit.id) for hit in page.results]


def test_a_public_debate_is_found_with_french_analysis(drain, candidate_path):
    d = debate(title="Où garer les vélos à la gare ?", body="Des **arceaux** manquent.")
    drain()
    page, hits = found(None, "velo")
    assert ("debate", d.pk) in hits
    hit = next(h for h in page.results if h.id == d.pk)
    assert hit.url == d.get_absolute_url() and "Débat" in hit.title
    assert "**" not in hit.snippet
    _page, only = found(None, "arceau", type="debate")
    assert only == [("debate", d.pk)]


def test_a_private_debate_is_found_and_counted_by_members_only(drain, candidate_path):
    private = WorkspaceFactory(visibility="private")
    insider = member(private)
    d = debate(author=insider, workspace=private, title="Réunion confidentielle du collectif")
    drain()
    outsider_page, outsider_hits = found(UserFactory(), "confidentielle")
    assert outsider_hits == [] and outsider_page.count == 0
    assert found(None, "confidentielle")[1] == []
    assert found(insider, "confidentielle")[1] == [("debate", d.pk)]


def test_a_sheet_turned_private_takes_its_debates_along(drain):
    sheet = SheetFactory()
    d = debate(sheet=sheet, title="Stationnement des trottinettes")
    drain()
    assert found(None, "trottinette")[1] == [("debate", d.pk)]
    from projects.models import ProjectSheet

    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    # Before the index knows: the database check already hides it, count included.
    page, hits = found(None, "trottinette")
    assert hits == [] and page.count == 0


def test_the_synthesis_becomes_searchable_when_the_debate_closes(drain):
    d = debate(title="Cour d'école")
    drain()
    assert found(None, "végétalisation")[1] == []
    debate_close(
        actor=d.author,
        debate=d,
        synthesis="Retenu : la végétalisation de la cour et un point d'eau pour les enfants.",
    )
    drain()
    assert found(None, "vegetalisation")[1] == [("debate", d.pk)]


def test_messages_are_not_indexed(drain):
    d = debate(title="Un débat ordinaire")
    comment_create(actor=seasoned(), debate=d, body="Xylophone chromatique")
    drain()
    assert found(None, "xylophone")[1] == []
    response = client_for(None).get("/api/v1/search/?q=xylophone")
    assert response.json()["count"] == 0


def test_the_api_lists_debates_as_their_own_type(drain):
    debate(title="Éclairage du parc de la Citadelle")
    drain()
    response = client_for(None).get("/api/v1/search/?q=eclairage&type=debate")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["type"] for r in results] == ["debate"]
    assert results[0]["workspace"] is None
