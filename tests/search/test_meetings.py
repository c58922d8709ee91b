"""Meetings in search: found by their title, description, place, address, territory (and its
commune) and date; exactly as visible as the meeting (a sheet's meeting as its sheet, a
territory's meeting to everyone); indexed through the outbox from the meetings' own events;
cancelled ones still found, marked so; never a registrant."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import (
    meeting_cancel,
    meeting_restitution_publish,
    meeting_update,
    registration_create,
)
from projects.models import ProjectSheet
from search.indexer import index_rebuild
from search.models import IndexOutbox
from search.outbox import index_enqueue_workspace
from search.services import search_query
from territories.models import Territory
from territories.services import territory_create
from tests.conftest import client_for
from tests.meetings.factories import meeting as make_meeting
from tests.meetings.factories import staff

from .factories import make_sheet, sheet_set

pytestmark = [pytest.mark.django_db]

MEMBERS = ["reader", "contributor", "editor", "owner"]
NON_MEMBERS = ["anonymous", "outsider", "staff", "official"]


def found(user, q, **filters):
    page = search_query(user=user, q=q, **filters)
    return (
        page.count,
        {(h.type, h.id) for h in page.results},
        " ".join(h.snippet for h in page.results),
    )


def api(user, params):
    response = client_for(user).get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _meeting_rows() -> int:
    return IndexOutbox.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting)
    ).count()


@pytest.fixture
def worlds(make_workspace, drain):
    """A meeting of a private workspace's sheet, of a members-only sheet of a public workspace,
    of a public sheet, and of a territory; each says "kermesse"."""
    private_ws, private_actors = make_workspace(visibility="private")
    public_ws, public_actors = make_workspace()
    private_sheet = make_sheet(private_ws, title="Projet discret", summary="Rien.")
    hidden_sheet = make_sheet(public_ws, title="Brouillon", summary="Rien.", is_public=False)
    public_sheet = make_sheet(public_ws, title="Place verte", summary="Rien.")
    meetings = {
        "private": make_meeting(
            sheet=private_sheet,
            actor=private_actors["owner"],
            title="Kermesse confidentielle",
            description="Une kermesse dont personne ne doit parler",
        ),
        "hidden": make_meeting(
            sheet=hidden_sheet,
            actor=public_actors["owner"],
            title="Kermesse en préparation",
            description="La kermesse des membres",
        ),
        "public": make_meeting(
            sheet=public_sheet,
            actor=public_actors["owner"],
            title="Kermesse de la place",
            description="La kermesse publique",
        ),
        "territory": make_meeting(
            territory=Territory.objects.get(slug="strasbourg"),
            title="Kermesse de la ville",
            description="La kermesse de tous",
        ),
    }
    drain()
    return meetings, private_actors, public_actors


@pytest.mark.usefixtures("candidate_path")
@pytest.mark.parametrize("actor", MEMBERS + NON_MEMBERS)
def test_a_meeting_is_found_exactly_by_those_who_may_see_it(worlds, actor):
    meetings, private_actors, public_actors = worlds
    everyone = {("meeting", meetings["public"].pk), ("meeting", meetings["territory"].pk)}
    # A member of the private workspace; a member of the public one (with its members-only
    # sheet); everybody else sees the public sheet's meeting and the territory's only.
    for actors, extra in (
        (private_actors, {("meeting", meetings["private"].pk)}),
        (public_actors, {("meeting", meetings["hidden"].pk)}),
    ):
        user = actors[actor]
        count, hits, snippets = found(user, "kermesse")
        want = everyone | extra if actor in MEMBERS else everyone
        assert hits == want, (actor, hits)
        assert count == len(want)
        if actor not in MEMBERS:
            assert "confidentielle" not in snippets and "membres" not in snippets
            assert "personne ne doit" not in snippets
        body = api(user, {"q": "kermesse", "type": "meeting"})
        assert body["count"] == len(want)
        assert {(r["type"], r["id"]) for r in body["results"]} == want
        # Not even a count of what the person may not see.
        assert found(user, "confidentielle")[0] == (
            1 if actors is private_actors and actor in MEMBERS else 0
        )


def test_a_meeting_is_found_by_its_place_address_territory_and_date(make_workspace, drain):
    strasbourg = Territory.objects.get(slug="strasbourg")
    quartier = territory_create(name="Krutenau des essais", kind="quartier", parent=strasbourg)
    starts = timezone.make_aware(datetime.datetime(2031, 3, 11, 18, 30))
    m = make_meeting(
        territory=quartier,
        title="Atelier des possibles",
        description="On dessine ensemble.",
        place="Maison des associations",
        address="12 rue des Tilleuls",
        starts=starts,
        ends=starts + datetime.timedelta(hours=2),
        kind="workshop",
    )
    drain()
    hit = {("meeting", m.pk)}
    for q in (
        "possibles",
        "dessine",
        "associations",
        "tilleul",  # the plural folded as anywhere else
        "krutenau",
        "strasbourg",  # the quartier's commune
        "mars 2031",
        "mardi",
        "atelier quartier",  # its kind
    ):
        assert found(None, q)[1] == hit, q
    assert found(None, "avril 2031")[1] == set()
    assert found(None, "possibles", territory=quartier.slug)[1] == hit
    assert found(None, "possibles", territory="schiltigheim")[1] == set()


def test_indexing_meetings_reads_a_fixed_number_of_queries(django_assert_num_queries):
    """Each meeting's territory, its commune and its sheet's filters come with the row."""
    from haystack import connections

    strasbourg = Territory.objects.get(slug="strasbourg")
    index = connections["default"].get_unified_index().get_index(Meeting)

    def prepared_all():
        return [index.full_prepare(obj) for obj in index.index_queryset()]

    quartier = territory_create(name="Quartier compté", kind="quartier", parent=strasbourg)
    make_meeting(territory=quartier)
    with django_assert_num_queries(1):
        one = prepared_all()
    assert "Quartier compté" in one[0]["text"] and "Strasbourg" in one[0]["text"]
    for n in range(4):
        make_meeting(
            territory=territory_create(name=f"Quartier {n}", kind="quartier", parent=strasbourg)
        )
        make_meeting(territory=strasbourg)
    with django_assert_num_queries(1):
        assert len(prepared_all()) == 9
    # The commune's own meeting names it, not the Eurométropole above it.
    texts = [e["text"] for e in prepared_all() if e["territory"] == "strasbourg"]
    assert texts and all(strasbourg.parent.name not in t for t in texts)


def test_a_meeting_is_indexed_in_french_whatever_the_language_of_the_change(drain):
    from django.utils import translation

    with translation.override("en"):
        m = make_meeting(territory=Territory.objects.get(slug="strasbourg"), kind="workshop")
        drain()
    assert found(None, "atelier quartier")[1] == {("meeting", m.pk)}
    assert found(None, "workshop")[1] == set()


def test_registrants_are_never_indexed(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="Rien.")
    m = make_meeting(sheet=sheet, actor=actors["owner"], title="Réunion du square")
    registration_create(actor=None, meeting=m, name="Zéphyrine Quelquechose", email="zq@exemple.fr")
    registration_create(actor=actors["outsider"], meeting=m)
    drain()
    superuser = staff()
    superuser.is_superuser = True
    superuser.save()
    for user in (None, actors["owner"], superuser):
        for q in (
            "Zéphyrine",
            "Quelquechose",
            "zq@exemple.fr",
            "exemple",
            actors["outsider"].email,
        ):
            assert found(user, q)[:2] == (0, set()), q
    assert found(None, "square")[1] == {("meeting", m.pk)}


def test_the_meetings_events_feed_the_index_through_the_outbox(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="Rien.")
    owner = actors["owner"]
    m = make_meeting(sheet=sheet, actor=owner, title="Balade urbaine", days=1)
    assert _meeting_rows() == 1  # meeting.scheduled, in the creating transaction
    drain()
    assert found(None, "balade")[1] == {("meeting", m.pk)}

    registration_create(actor=actors["outsider"], meeting=m)
    assert _meeting_rows() == 0  # registrations change nothing the index holds

    meeting_update(actor=owner, meeting=m, title="Promenade urbaine", place="Parvis du musée")
    assert _meeting_rows() == 1
    drain()
    assert found(None, "balade")[1] == set()
    assert found(None, "promenade musee")[1] == {("meeting", m.pk)}

    past = timezone.now() - datetime.timedelta(hours=3)
    Meeting.objects.filter(pk=m.pk).update(starts=past, ends=past + datetime.timedelta(hours=2))
    meeting_restitution_publish(
        actor=owner, meeting=m, minutes="Nous avons parlé des **platanes**.", attendance=12
    )
    drain()
    count, hits, snippet = found(None, "platanes")
    assert hits == {("meeting", m.pk)} and "<mark>platanes</mark>" in snippet
    assert "**" not in snippet


def test_a_cancelled_meeting_is_still_found_marked_cancelled(make_workspace, drain, client):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="Rien.")
    m = make_meeting(sheet=sheet, actor=actors["owner"], title="Goûter des voisins")
    drain()
    assert api(None, {"q": "gouter"})["results"][0]["state"] == "scheduled"
    meeting_cancel(actor=actors["owner"], meeting=m)
    assert _meeting_rows() == 1
    drain()
    body = api(None, {"q": "gouter"})
    assert [(r["type"], r["id"], r["state"]) for r in body["results"]] == [
        ("meeting", m.pk, "cancelled")
    ]
    html = client.get(reverse("search:search"), {"q": "gouter"}).content.decode()
    assert 'class="result-cancelled">annulée<' in html


def test_results_show_the_date_and_place_and_the_type_filters(make_workspace, drain, client):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Marché aux puces", summary="Un marché aux puces.")
    starts = timezone.make_aware(datetime.datetime(2031, 6, 5, 19, 0))
    m = make_meeting(
        sheet=sheet,
        actor=actors["owner"],
        title="Puces du dimanche",
        description="On prépare le marché aux puces.",
        place="Préau de l'école",
        starts=starts,
        ends=starts + datetime.timedelta(hours=2),
    )
    drain()
    body = api(None, {"q": "puces", "type": "meeting"})
    assert [(r["type"], r["id"]) for r in body["results"]] == [("meeting", m.pk)]
    hit = body["results"][0]
    assert hit["title"] == "Puces du dimanche" and hit["kind"] == "public_meeting"
    assert hit["url"].endswith(m.get_absolute_url())
    assert hit["place"] == "Préau de l'école" and hit["starts"].startswith("2031-06-05T19:00")
    assert hit["workspace"] == workspace.slug
    assert {r["type"] for r in api(None, {"q": "puces"})["results"]} == {"sheet", "meeting"}
    sheet_hit = next(r for r in api(None, {"q": "puces"})["results"] if r["type"] == "sheet")
    assert [sheet_hit[k] for k in ("starts", "place", "state", "kind")] == [None] * 4
    html = client.get(reverse("search:search"), {"q": "puces", "type": "meeting"}).content.decode()
    assert '<option value="meeting" selected' in html
    assert "Réunion publique — <time" in html and "jeudi 5 juin 2031, 19:00" in html
    assert "Préau de l&#x27;école" in html
    assert m.get_absolute_url() in html and sheet.get_absolute_url() not in html


def test_a_sheet_made_private_takes_its_meetings_out_at_once(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="Rien.")
    m = make_meeting(sheet=sheet, actor=actors["owner"], title="Pique-nique géant")
    drain()
    assert found(None, "pique-nique")[:2] == (1, {("meeting", m.pk)})
    sheet_set(sheet, is_public=False)
    # Before the indexer has run: the database check hides it, from the count too.
    assert found(None, "pique-nique")[:2] == (0, set())
    drain()
    assert found(None, "pique-nique")[:2] == (0, set())
    assert found(actors["reader"], "pique-nique")[:2] == (1, {("meeting", m.pk)})
    sheet_set(sheet, is_public=True)
    drain()
    assert found(None, "pique-nique")[:2] == (1, {("meeting", m.pk)})


def test_a_workspace_removal_names_its_meetings(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="Rien.")
    m = make_meeting(sheet=sheet, actor=actors["owner"])
    IndexOutbox.objects.all().delete()
    index_enqueue_workspace(workspace, delete=True)
    rows = IndexOutbox.objects.filter(content_type=ContentType.objects.get_for_model(Meeting))
    assert list(rows.values_list("object_id", "action")) == [(str(m.pk), "delete")]


def test_a_rebuild_indexes_the_meetings(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title="Fiche", summary="Rien.")
    m = make_meeting(sheet=sheet, actor=actors["owner"], title="Troc de graines")
    t = make_meeting(territory=Territory.objects.get(slug="strasbourg"), title="Troc de livres")
    IndexOutbox.objects.all().delete()  # as if the index had lost them
    assert found(None, "troc")[1] == set()
    index_rebuild()
    assert found(None, "troc")[1] == {("meeting", m.pk), ("meeting", t.pk)}


HOSTILE = [
    '"',
    '"kermesse',
    "*",
    "kermesse*",
    "title:kermesse",
    "text:(kermesse OR secret)",
    "AND OR NOT",
    "(((",
    ")",
    "-",
    "--kermesse",
    "\\",
    "{!lucene}kermesse",
    "kermesse~2",
    "kermesse^10",
    "[* TO *]",
    "kermesse\x00",
    "\u202ekermesse",
    "é" * 499,
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail_nor_leak(worlds, client, q):
    meetings, _private, _public = worlds
    hidden = {("meeting", meetings["private"].pk), ("meeting", meetings["hidden"].pk)}
    for params in ({"q": q}, {"q": q, "type": "meeting"}):
        response = client_for(None).get("/api/v1/search/", params)
        assert response.status_code in (200, 400), (q, response.status_code)
        if response.status_code == 200:
            got = {(r["type"], r["id"]) for r in response.json()["results"]}
            assert not got & hidden
        page = client.get(reverse("search:search"), params)
        assert page.status_code in (200, 400), (q, page.status_code)
        assert "confidentielle" not in page.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kermesse", "type": "meetings"},
        {"q": "kermesse", "type": "meeting", "page": "0"},
        {"q": "kermesse", "type": "meeting", "page": "x"},
        {"q": "k" * 501, "type": "meeting"},
    ],
)
def test_bad_parameters_are_a_400(worlds, params):
    assert client_for(None).get("/api/v1/search/", params).status_code == 400


def test_a_meeting_entry_holds_only_the_fields_every_entry_has():
    """The OpenSearch mapping is strict and built from the indexes' fields (its recordings check
    it exactly), the embedded schemas too: a meeting adds no field, so none of them changes and
    no index needs recreating for the code to run."""
    from haystack import connections
    from haystack.constants import DJANGO_CT, DJANGO_ID, ID

    unified = connections["default"].get_unified_index()
    fields = {f.index_fieldname for f in unified.all_searchfields().values()}
    sheet_index = unified.get_index(ProjectSheet)
    meeting_index = unified.get_index(Meeting)
    assert {f.index_fieldname for f in meeting_index.fields.values()} == {
        f.index_fieldname for f in sheet_index.fields.values()
    }
    m = make_meeting(territory=Territory.objects.get(slug="strasbourg"))
    entry = meeting_index.full_prepare(meeting_index.index_queryset().get(pk=m.pk))
    assert set(entry) - {ID, DJANGO_CT, DJANGO_ID} <= fields
    assert entry["result_type"] == "meeting" and entry["key"] == f"meeting:{m.pk}"
    assert entry["public"] is True and entry["workspace_id"] == 0
