"""The archives page: only ended sheets, filtered by year of the ending, territory (a commune
includes its quartiers), theme, level and words; the default lists leave them out; a private
workspace's archived sheet stays unknown to outsiders."""

import datetime

import pytest
from django.utils import timezone

from projects.models import ProjectSheet, Stage
from territories.models import Territory, Theme
from tests.factories import MembershipFactory, SheetFactory, UserFactory, WorkspaceFactory
from workspace.models import Role, Workspace

pytestmark = pytest.mark.django_db


def ended(sheet, stage=Stage.ARCHIVED, year=2025):
    when = timezone.make_aware(datetime.datetime(year, 6, 15, 12, 0))
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage, stage_changed_at=when)
    return sheet


@pytest.fixture
def world():
    strasbourg = Territory.objects.get(slug="strasbourg")
    neudorf = Territory.objects.create(
        name="Neudorf", slug="strasbourg-neudorf", kind="quartier", parent=strasbourg
    )
    schilick = Territory.objects.get(slug="schiltigheim")
    metropole = Territory.objects.get(kind="metropole")
    mobilite = Theme.objects.get(slug="mobilite")
    nature = Theme.objects.create(name="Nature en ville", slug="nature-en-ville")
    public = WorkspaceFactory(visibility=Workspace.Visibility.PUBLIC)
    private = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    member = MembershipFactory(workspace=private, role=Role.READER).user
    s = {
        "city": ended(
            SheetFactory(
                workspace=public, title="Piste rue du Jura", territory=strasbourg, themes=[mobilite]
            ),
            year=2024,
        ),
        "quartier": ended(
            SheetFactory(
                workspace=public, title="Jardin du Neudorf", territory=neudorf, themes=[nature]
            ),
            Stage.ABANDONED,
            2025,
        ),
        "other": ended(
            SheetFactory(workspace=public, title="Parc de Schilick", territory=schilick), year=2025
        ),
        "metro": ended(SheetFactory(workspace=public, title="Plan climat", territory=metropole)),
        "running": SheetFactory(
            workspace=public, title="Piste en cours", territory=strasbourg, stage=Stage.CONSULTATION
        ),
        "hidden": ended(SheetFactory(workspace=private, title="Projet caché", territory=neudorf)),
        "members_only": ended(
            SheetFactory(
                workspace=public, title="Fiche réservée", is_public=False, territory=strasbourg
            )
        ),
    }
    ProjectSheet.objects.filter(pk=s["quartier"].pk).update(participation_level="co_decide")
    return {"sheets": s, "member": member}


def titles(client, query="") -> set[str]:
    response = client.get(f"/archives/?{query}")
    assert response.status_code == 200
    return {sheet.title for sheet in response.context["page_obj"]}


def test_the_archives_list_only_ended_visible_sheets(client, world):
    assert titles(client) == {
        "Piste rue du Jura",
        "Jardin du Neudorf",
        "Parc de Schilick",
        "Plan climat",
    }


def test_filter_by_year_of_the_ending(client, world):
    assert titles(client, "year=2024") == {"Piste rue du Jura"}
    assert titles(client, "year=2025") == {"Jardin du Neudorf", "Parc de Schilick", "Plan climat"}
    assert titles(client, "year=1999") == titles(client)  # out of range: ignored
    response = client.get("/archives/")
    assert response.context["years"] == [2025, 2024]


def test_a_commune_includes_its_quartiers_and_a_quartier_only_itself(client, world):
    assert titles(client, "territory=strasbourg") == {"Piste rue du Jura", "Jardin du Neudorf"}
    assert titles(client, "territory=strasbourg-neudorf") == {"Jardin du Neudorf"}
    assert titles(client, "territory=schiltigheim") == {"Parc de Schilick"}
    metropole = Territory.objects.get(kind="metropole").slug
    assert titles(client, f"territory={metropole}") == titles(client)


def test_filter_by_theme_level_and_words(client, world):
    assert titles(client, "theme=nature-en-ville") == {"Jardin du Neudorf"}
    assert titles(client, "participation_level=co_decide") == {"Jardin du Neudorf"}
    assert titles(client, "q=piste") == {"Piste rue du Jura"}
    assert titles(client, "q=piste&year=2025") == set()
    assert titles(client, "territory=strasbourg&theme=mobilite&year=2024") == {"Piste rue du Jura"}


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=99999999999999999999",
        "territory=nowhere",
        "theme=" + "x" * 500,
        "participation_level=boss",
        "page=-1",
        "page=zz",
        "q=" + "é" * 5000,
        "year=%20",
    ],
)
def test_odd_filters_are_ignored_never_a_500(client, world, query):
    assert client.get(f"/archives/?{query}").status_code == 200


def test_pages_keep_the_filters(client, world):
    public = world["sheets"]["city"].workspace
    for n in range(25):
        ended(SheetFactory(workspace=public, title=f"Ancien {n}"), year=2023)
    response = client.get("/archives/?year=2023")
    assert response.context["page_obj"].paginator.count == 25
    assert 'href="?year=2023&amp;page=2"' in response.content.decode()
    assert len(titles(client, "year=2023&page=2")) == 5


def test_private_archived_sheets_are_unknown_to_outsiders_but_not_to_members(client, world):
    outsider = UserFactory()
    client.force_login(outsider)
    page = client.get("/archives/").content.decode()
    assert "Projet caché" not in page and "Fiche réservée" not in page
    client.force_login(world["member"])
    assert "Projet caché" in titles(client)


def test_the_default_lists_leave_the_ended_sheets_out(client, world):
    page = client.get("/fiches/").content.decode()
    assert "Piste en cours" in page
    assert "Piste rue du Jura" not in page and "Jardin du Neudorf" not in page
    assert 'href="/archives/"' in page
    assert "Piste rue du Jura" in client.get("/fiches/?stage=archived").content.decode()
    home = client.get("/").content.decode()
    assert "Jardin du Neudorf" not in home  # abandoned: neither open nor a result
    commune = client.get("/territoires/strasbourg/").content.decode()
    assert "Jardin du Neudorf" not in commune


def test_an_archived_sheet_keeps_its_address(client, world):
    sheet = world["sheets"]["city"]
    response = client.get(f"/fiches/{sheet.slug}/")
    assert response.status_code == 200
    assert sheet.title in response.content.decode()


def test_the_archives_page_in_english(client, world):
    html = client.get("/archives/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Project archives</h1>" in html
    assert "Year archived or abandoned" in html and "Open data" in html


def test_the_site_map_links_to_the_archives(client, db):
    assert 'href="/archives/"' in client.get("/plan-du-site/").content.decode()
