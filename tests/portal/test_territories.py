"""Territory pages and API: what a commune's and a quartier's page list (open consultations
closing soonest first, upcoming ones, recent results, debates, officials with their figures),
each row's scope (here, its commune, the whole Eurométropole), the visibility matrix (anonymous,
outsider, member, staff: a private sheet never shows, not even as a count), hostile input, and
staff's quartier pages."""

import json

import pytest
from django.utils import translation

from accounts.models import PlatformRole
from debates.services import debate_create
from officials.services import official_profile_set
from projects.models import Stage
from territories.models import Territory
from tests.factories import MembershipFactory, SheetFactory, UserFactory, WorkspaceFactory
from tests.portal.test_home import consultation, day, result
from workspace.models import Role, Workspace

pytestmark = pytest.mark.django_db


def t(slug: str) -> Territory:
    return Territory.objects.get(slug=slug)


@pytest.fixture
def world():
    strasbourg, schilick = t("strasbourg"), t("schiltigheim")
    metropole = strasbourg.parent
    neudorf = Territory.objects.create(
        name="Neudorf", slug="strasbourg-neudorf", kind="quartier", parent=strasbourg
    )
    krutenau = Territory.objects.create(
        name="Krutenau", slug="strasbourg-krutenau", kind="quartier", parent=strasbourg
    )
    public = WorkspaceFactory(name="Collectif public")
    private = WorkspaceFactory(name="Atelier privé", visibility=Workspace.Visibility.PRIVATE)
    member = MembershipFactory(workspace=private, role=Role.READER).user
    w = {
        "strasbourg": strasbourg,
        "neudorf": neudorf,
        "krutenau": krutenau,
        "member": member,
        "private": private,
    }
    consultation("Rue du Jura", end=day(20), territory=neudorf, workspace=public)
    consultation("Parc de Neudorf", end=day(5), territory=neudorf, workspace=public)
    consultation("Tram de Strasbourg", end=day(10), territory=strasbourg, workspace=public)
    consultation("Plan climat", end=day(30), territory=metropole, workspace=public)
    consultation("Quai de la Krutenau", end=day(8), territory=krutenau, workspace=public)
    consultation("Écoles de Schiltigheim", end=day(2), territory=schilick, workspace=public)
    consultation(
        "Annoncée à Neudorf", start=day(15), end=day(40), territory=neudorf, workspace=public
    )
    SheetFactory(
        title="Préparée à Neudorf",
        territory=neudorf,
        workspace=public,
        placed_sections={"calendar_start": day(60)},
    )
    # Being prepared, no date yet: still to come, after the dated ones.
    SheetFactory(title="Idée sans date à Neudorf", territory=neudorf, workspace=public)
    consultation("Déjà close à Neudorf", end=day(-1), territory=neudorf, workspace=public)
    result("Bilan de Neudorf", territory=neudorf, workspace=public)
    result("Bilan de Schiltigheim", territory=schilick, workspace=public)
    # Never shown to anyone but the private workspace's members: neither listed nor counted.
    consultation("Secret de Neudorf", end=day(3), territory=neudorf, workspace=private)
    result("Résultat secret", territory=neudorf, workspace=private)
    hidden = SheetFactory(
        title="Fiche cachée",
        territory=neudorf,
        workspace=public,
        is_public=False,
        stage=Stage.CONSULTATION,
    )
    assert hidden.pk
    author = UserFactory()
    debate_create(actor=author, title="Débat du Neudorf", territory=neudorf)
    debate_create(actor=author, title="Débat de Schiltigheim", territory=schilick)
    debate_create(
        actor=MembershipFactory(workspace=private, role=Role.OWNER).user,
        title="Débat secret",
        workspace=private,
        territory=neudorf,
    )
    w["elue"] = official(display_name="Élue de Strasbourg", territories=[strasbourg])
    w["maire"] = official(display_name="Maire de Schiltigheim", territories=[schilick])
    w["vp"] = official(display_name="Vice-présidente métropole", territories=[metropole])
    return w


def official(*, display_name: str, territories: list[Territory]):
    user = UserFactory(platform_role=PlatformRole.OFFICIAL, display_name=display_name)
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    return official_profile_set(actor=staff, user=user, commitment_days=10, territories=territories)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.find("</section>", start)]


def in_order(html: str, titles: list[str]) -> bool:
    positions = [html.index(title) for title in titles]
    return positions == sorted(positions)


NEUDORF = "/territoires/strasbourg/strasbourg-neudorf/"


def test_a_quartier_page_lists_its_own_its_commune_and_the_metropole_labelled(client, world):
    html = page(client, NEUDORF)
    assert "<h1>Neudorf</h1>" in html
    opened = section(html, "ouvertes")
    assert in_order(opened, ["Parc de Neudorf", "Tram de Strasbourg", "Rue du Jura", "Plan climat"])
    for absent in ("Krutenau", "Schiltigheim", "Déjà close", "Annoncée", "Préparée", "Idée"):
        assert absent not in opened
    assert "Toute la commune : Strasbourg" in opened and "Toute l'Eurométropole" in opened
    # The labels sit on the rows they describe.
    tram = opened[opened.index("Tram de Strasbourg") :]
    assert tram.index("Toute la commune") < tram.index("Rue du Jura")
    upcoming = section(html, "a-venir")
    assert in_order(upcoming, ["Annoncée à Neudorf", "Préparée à Neudorf", "Idée sans date"])
    undated = upcoming[upcoming.index("Idée sans date") :]
    assert "date à préciser" in undated[: undated.index("</li>")]
    assert "Bilan de Neudorf" in section(html, "resultats")
    assert "Bilan de Schiltigheim" not in html
    assert "Débat du Neudorf" in section(html, "debats")
    assert "Débat de Schiltigheim" not in html
    elus = section(html, "elus")
    assert in_order(elus, ["Élue de Strasbourg", "Vice-présidente métropole"])
    assert "Maire de Schiltigheim" not in elus
    assert "pas encore de taux de réponse" in elus
    assert 'id="quartiers"' not in html


def test_a_commune_page_lists_its_quartiers_projects(client, world):
    html = page(client, "/territoires/strasbourg/")
    opened = section(html, "ouvertes")
    assert in_order(
        opened,
        [
            "Parc de Neudorf",
            "Quai de la Krutenau",
            "Tram de Strasbourg",
            "Rue du Jura",
            "Plan climat",
        ],
    )
    assert "Quartier : Krutenau" in opened and "Quartier : Neudorf" in opened
    assert "Toute la commune" not in opened
    quartiers = section(html, "quartiers")
    assert 'href="/territoires/strasbourg/strasbourg-neudorf/"' in quartiers
    assert "Préparée à Neudorf" in quartiers and "Quai de la Krutenau" in quartiers
    assert "Schiltigheim" not in opened


def test_the_follow_button_and_the_feed(client, world):
    html = page(client, NEUDORF)
    follow = section(html, "suivre")
    assert "Suivre ce territoire" in follow and "Se connecter pour suivre" in follow
    assert "/flux/territoires/strasbourg-neudorf.atom" in html
    client.force_login(UserFactory())
    follow = section(page(client, NEUDORF), "suivre")
    assert f'name="target" value="{world["neudorf"].pk}"' in follow


SECRETS = ("Secret de Neudorf", "Résultat secret", "Fiche cachée", "Débat secret")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "official", "staff", "member"])
@pytest.mark.parametrize("url", [NEUDORF, "/territoires/strasbourg/"])
def test_visibility_matrix_of_the_pages(client, world, who, url):
    users = {
        "outsider": UserFactory(),
        "official": UserFactory(platform_role=PlatformRole.OFFICIAL),
        "staff": UserFactory(platform_role=PlatformRole.STAFF),
        "member": world["member"],
    }
    if who != "anonymous":
        client.force_login(users[who])
    html = page(client, url)
    shown = {s for s in SECRETS if s in html}
    # Members of the private workspace see its sheets and debate; the hidden sheet of the public
    # workspace is its members' only, and the member here is not one of them.
    expected = (
        {"Secret de Neudorf", "Résultat secret", "Débat secret"} if who == "member" else set()
    )
    assert shown == expected
    assert "Rue du Jura" in html


@pytest.mark.parametrize("who", ["anonymous", "outsider", "staff", "member"])
def test_visibility_matrix_of_the_api(client, world, who):
    users = {
        "outsider": UserFactory(),
        "staff": UserFactory(platform_role=PlatformRole.STAFF),
        "member": world["member"],
    }
    if who != "anonymous":
        client.force_login(users[who])
    response = client.get("/api/v1/territories/strasbourg-neudorf/")
    assert response.status_code == 200
    data = response.json()
    titles = {
        row["title"]
        for key in ("open_consultations", "upcoming", "recent_results", "debates")
        for row in data[key]
    }
    secrets = {"Secret de Neudorf", "Résultat secret", "Débat secret"}
    assert titles & secrets == (secrets if who == "member" else set())
    assert "Fiche cachée" not in titles
    scopes = {row["title"]: row["scope"] for row in data["open_consultations"]}
    assert scopes["Rue du Jura"] == "here"
    assert scopes["Tram de Strasbourg"] == "commune"
    assert scopes["Plan climat"] == "metropole"
    opened = [row["title"] for row in data["open_consultations"] if row["title"] in scopes]
    assert opened.index("Parc de Neudorf") < opened.index("Tram de Strasbourg")
    assert (data["slug"], data["kind"], data["parent"]) == (
        "strasbourg-neudorf",
        "quartier",
        "strasbourg",
    )
    officials = {o["display_name"]: o for o in data["officials"]}
    assert set(officials) == {"Élue de Strasbourg", "Vice-présidente métropole"}
    assert officials["Élue de Strasbourg"]["scope"] == "commune"
    assert officials["Élue de Strasbourg"]["stats"]["received"] == 0


def test_the_territory_list_is_the_tree(client, world):
    data = client.get("/api/v1/territories/").json()
    kinds = [row["kind"] for row in data]
    assert kinds == sorted(kinds, key=["metropole", "commune", "quartier"].index)
    assert kinds.count("commune") == 33 and kinds.count("metropole") == 1
    by_slug = {row["slug"]: row for row in data}
    assert by_slug["strasbourg-neudorf"] == {
        "slug": "strasbourg-neudorf",
        "name": "Neudorf",
        "kind": "quartier",
        "parent": "strasbourg",
    }
    assert by_slug["strasbourg"]["parent"] == by_slug["eurometropole-de-strasbourg"]["slug"]


def test_the_index_lists_the_33_communes_and_strasbourgs_quartiers(client, world):
    html = page(client, "/territoires/")
    assert html.count('href="/territoires/') >= 33 + 2
    assert 'href="/territoires/strasbourg/strasbourg-krutenau/"' in html
    assert 'href="/territoires/illkirch-graffenstaden/"' in html
    assert "Gérer les quartiers" not in html
    client.force_login(UserFactory(platform_role=PlatformRole.STAFF))
    assert "Gérer les quartiers" in page(client, "/territoires/")


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/nulle-part/",
        "/territoires/strasbourg-neudorf/",  # a quartier is not a commune
        "/territoires/eurometropole-de-strasbourg/",
        "/territoires/schiltigheim/strasbourg-neudorf/",  # not its commune: sent to its address
        "/territoires/strasbourg/nulle-part/",
        "/territoires/strasbourg/schiltigheim/",
        "/territoires/" + "a" * 10_000 + "/",
        "/territoires/strasbourg/" + "a" * 10_000 + "/",
        "/territoires/%00/",
        "/territoires/strasbourg/%00/",
        "/territoires/str%C3%A9/",
        "/api/v1/territories/nulle-part/",
        "/api/v1/territories/" + "a" * 10_000 + "/",
        "/api/v1/territories/%00/",
        "/territoires/choisir/?commune=nulle-part",
        "/territoires/choisir/?commune=%00",
        "/territoires/choisir/?commune=" + "a" * 10_000,
        "/territoires/choisir/?commune=eurometropole-de-strasbourg",
        "/territoires/gestion/quartiers/%00/",
    ],
)
def test_hostile_addresses_are_404_or_400_never_500(client, world, url):
    response = client.get(url)
    if "schiltigheim/strasbourg-neudorf" in url:
        assert response.status_code == 302 and response["Location"] == NEUDORF
        return
    assert response.status_code in (400, 404), (url, response.status_code)


def test_a_short_quartier_address_leads_to_its_page(client, world):
    response = client.get("/territoires/strasbourg/neudorf/")
    assert response.status_code == 301 and response["Location"] == NEUDORF


def test_queries_do_not_grow_with_the_rows(client, world, django_assert_max_num_queries):
    page(client, NEUDORF)  # warm the caches (content types, sites)
    with django_assert_max_num_queries(30) as first:
        page(client, NEUDORF)
    public = WorkspaceFactory()
    for i in range(8):
        consultation(f"Encore {i}", end=day(12), territory=world["neudorf"], workspace=public)
        debate_create(actor=UserFactory(), title=f"Débat {i}", territory=world["neudorf"])
    official(display_name="Autre élue", territories=[world["neudorf"]])
    with django_assert_max_num_queries(len(first.captured_queries)):
        page(client, NEUDORF)


# --- staff manage quartiers from the site ---

MANAGE = "/territoires/gestion/quartiers/"


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("citizen", 403), ("official", 403), ("moderator", 403), ("staff", 200)],
)
def test_only_staff_reach_the_quartier_pages(client, world, who, status):
    if who != "anonymous":
        client.force_login(UserFactory(platform_role=who))
    assert client.get(MANAGE).status_code == status
    assert client.get(MANAGE + "strasbourg-neudorf/").status_code == status
    response = client.post(MANAGE, {"name": "Esplanade", "commune": world["strasbourg"].pk})
    assert response.status_code == (302 if who in ("anonymous", "staff") else 403)
    assert Territory.objects.filter(slug="strasbourg-esplanade").exists() == (who == "staff")


def test_staff_create_rename_and_move_a_quartier_from_the_site(client, world):
    client.force_login(UserFactory(platform_role=PlatformRole.STAFF))
    polygon = {
        "type": "Polygon",
        "coordinates": [[[7.76, 48.57], [7.78, 48.57], [7.78, 48.58], [7.76, 48.57]]],
    }
    response = client.post(
        MANAGE,
        {"name": "Esplanade", "commune": world["strasbourg"].pk, "boundary": json.dumps(polygon)},
    )
    assert response.status_code == 302
    esplanade = t("strasbourg-esplanade")
    assert esplanade.boundary == polygon and esplanade.parent == world["strasbourg"]
    html = page(client, MANAGE + "strasbourg-esplanade/")
    assert "7.76" in html
    response = client.post(
        MANAGE + "strasbourg-esplanade/",
        {"name": "Esplanade-Est", "commune": t("schiltigheim").pk, "boundary": ""},
    )
    assert response.status_code == 302
    esplanade.refresh_from_db()
    assert (esplanade.name, esplanade.parent.slug, esplanade.boundary) == (
        "Esplanade-Est",
        "schiltigheim",
        None,
    )
    assert client.get("/territoires/schiltigheim/strasbourg-esplanade/").status_code == 200


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": "", "commune": "strasbourg"}, "name"),
        ({"name": "Neudorf", "commune": "strasbourg"}, "name"),  # exists already
        ({"name": "X", "commune": "eurometropole-de-strasbourg"}, "commune"),
        ({"name": "X", "commune": "strasbourg", "boundary": "{"}, "boundary"),
        (
            {
                "name": "X",
                "commune": "strasbourg",
                "boundary": '{"type": "Point", "coordinates": [7, 48]}',
            },
            "boundary",
        ),
        ({"name": "X", "commune": "strasbourg", "boundary": "[" * 50_000}, "boundary"),
        ({"name": "X", "commune": "strasbourg", "boundary": "x" * 300_000}, "boundary"),
        ({"name": "X" * 10_000, "commune": "strasbourg"}, "name"),
    ],
)
def test_a_bad_quartier_form_is_a_400_with_the_error_on_its_field(client, world, data, field):
    client.force_login(UserFactory(platform_role=PlatformRole.STAFF))
    before = Territory.objects.count()
    data = {**data, "commune": t(data["commune"]).pk}
    response = client.post(MANAGE, data)
    assert response.status_code == 400
    assert f'id="id_{field}"' in response.content.decode()
    assert response.context["form"].errors.get(field)
    assert Territory.objects.count() == before


def test_pages_are_in_english_too(client, world):
    client.cookies["django_language"] = "en"
    html = client.get(NEUDORF, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    translation.activate("fr")  # the request left English on this thread
    assert "Follow this area" in html and "Open consultations" in html
    assert "Whole municipality: Strasbourg" in html


def test_seed_demo_makes_strasbourgs_quartiers_and_places_the_neudorf_collective_there(client):
    import os

    from django.core.management import call_command

    from projects.models import ProjectSheet

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
        versions = {s.slug: s.current_version.number for s in ProjectSheet.objects.all()}
        call_command("seed_demo", stdout=quiet)
    quartiers = Territory.objects.filter(kind="quartier", parent__slug="strasbourg")
    assert {"Neudorf", "Krutenau", "Centre", "Esplanade"} <= set(
        quartiers.values_list("name", flat=True)
    )
    sheets = ProjectSheet.objects.filter(workspace__slug="collectif-velo-neudorf")
    assert sheets.exists()
    assert set(sheets.values_list("territory__slug", flat=True)) == {"strasbourg-neudorf"}
    # Idempotent: the second run placed nothing again.
    assert {s.slug: s.current_version.number for s in ProjectSheet.objects.all()} == versions
    html = page(client, "/territoires/strasbourg/")
    assert "Piste cyclable rue du Jura" in section(html, "quartiers")


def test_an_empty_post_is_a_400_with_the_errors(client, world):
    client.force_login(UserFactory(platform_role=PlatformRole.STAFF))
    response = client.post(MANAGE, {})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]


def test_a_kept_territory_page_is_renewed_by_a_quartier_change(client, world, settings):
    from django.core.cache import caches

    from territories.services import quartier_update

    settings.FABRIQUE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    assert "<h1>Neudorf</h1>" in page(client, NEUDORF)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert "<h1>Neudorf</h1>" in page(client, NEUDORF)  # served again
    assert len(queries.captured_queries) <= 2  # the data generation, nothing else
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    quartier_update(
        actor=staff, quartier=world["neudorf"], name="Neudorf-Meinau", commune=world["strasbourg"]
    )
    assert "<h1>Neudorf-Meinau</h1>" in page(client, NEUDORF)
    # A signed-in reader is never given the visitors' copy (their follow form is theirs).
    client.force_login(UserFactory())
    assert 'name="target"' in page(client, NEUDORF)


def test_a_communes_officials_include_its_quartiers_labelled(client, world):
    official(display_name="Adjointe de quartier", territories=[world["neudorf"]])
    elus = section(page(client, "/territoires/strasbourg/"), "elus")
    # Those of the commune and its quartiers before the Eurométropole's.
    assert elus.index("Vice-présidente métropole") > max(
        elus.index("Adjointe de quartier"), elus.index("Élue de Strasbourg")
    )
    row = elus[elus.index("Adjointe de quartier") :]
    assert row.index("Quartier : Neudorf") < row.index("</li>")
    assert "Maire de Schiltigheim" not in elus
    # Krutenau's page does not list Neudorf's official.
    krutenau = section(page(client, "/territoires/strasbourg/strasbourg-krutenau/"), "elus")
    assert "Adjointe de quartier" not in krutenau and "Élue de Strasbourg" in krutenau
    data = client.get("/api/v1/territories/strasbourg/").json()
    scopes = {o["display_name"]: o["scope"] for o in data["officials"]}
    assert scopes == {
        "Adjointe de quartier": "here",
        "Élue de Strasbourg": "here",
        "Vice-présidente métropole": "metropole",
    }
