"""The home's commune choice leads to the territory's page and is remembered: a first-party
cookie for a visitor (never a page shared from the page cache), the profile for a member (by a
posted form only), and "territory" in /api/v1/me/ reading and writing it."""

import pytest
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import PlatformRole
from accounts.services.own_account import user_delete_account
from events.models import Activity
from portal.territory.memory import COOKIE_MAX_AGE, COOKIE_NAME
from territories.models import Territory
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHOOSE = "/territoires/choisir/"


@pytest.fixture
def neudorf():
    strasbourg = Territory.objects.get(slug="strasbourg")
    return Territory.objects.create(
        name="Neudorf", slug="strasbourg-neudorf", kind="quartier", parent=strasbourg
    )


def test_a_visitors_choice_leads_to_the_commune_and_is_kept_in_a_cookie(client):
    response = client.get(CHOOSE, {"commune": "schiltigheim"})
    assert response.status_code == 302 and response["Location"] == "/territoires/schiltigheim/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == "schiltigheim"
    assert (
        cookie["max-age"] == COOKIE_MAX_AGE and cookie["httponly"] and cookie["samesite"] == "Lax"
    )
    assert cookie["path"] == "/" and not cookie["domain"]  # first-party, the whole site
    html = client.get("/").content.decode()
    assert 'Votre territoire : <a href="/territoires/schiltigheim/">Schiltigheim</a>' in html
    assert '<option value="schiltigheim" selected>' in html


def test_a_quartier_can_be_chosen_and_the_chooser_shows_its_commune(client, neudorf):
    response = client.get(CHOOSE, {"commune": "strasbourg-neudorf"})
    assert response["Location"] == "/territoires/strasbourg/strasbourg-neudorf/"
    html = client.get("/").content.decode()
    assert (
        'Votre territoire : <a href="/territoires/strasbourg/strasbourg-neudorf/">Neudorf</a>'
        in html
    )
    assert '<option value="strasbourg" selected>' in html


def test_the_whole_metropole_forgets_the_choice(client):
    client.get(CHOOSE, {"commune": "schiltigheim"})
    response = client.get(CHOOSE, {"commune": ""})
    assert response["Location"] == "/territoires/"
    assert (
        response.cookies[COOKIE_NAME].value == "" and response.cookies[COOKIE_NAME]["max-age"] == 0
    )
    assert "Votre territoire" not in Client().get("/").content.decode()


@pytest.mark.parametrize(
    "value", ["nulle-part", "x" * 10_000, "a\x00b", "eurometropole-de-strasbourg"]
)
def test_a_bad_cookie_is_ignored(client, value):
    client.cookies[COOKIE_NAME] = value
    response = client.get("/")
    # A NUL anywhere in the request is refused by the request guard (config/bad_input.py).
    assert response.status_code == (400 if "\x00" in value else 200)
    assert "Votre territoire" not in response.content.decode()


def test_a_remembered_home_is_never_shared_by_the_page_cache(settings):
    settings.FABRIQUE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    nobody = Client()
    assert "Votre territoire" not in nobody.get("/").content.decode()  # kept for nobodies
    chooser = Client()
    chooser.get(CHOOSE, {"commune": "schiltigheim"})
    assert "Votre territoire" in chooser.get("/").content.decode()
    assert "Votre territoire" not in nobody.get("/").content.decode()
    assert "Votre territoire" in chooser.get("/").content.decode()


def test_a_members_choice_is_posted_and_kept_on_the_profile(neudorf):
    person = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    home = client.get("/")
    assert 'method="post" action="/territoires/choisir/"' in home.content.decode()
    token = (
        home.cookies["csrftoken"].value
        if "csrftoken" in home.cookies
        else client.cookies["csrftoken"].value
    )
    response = client.post(CHOOSE, {"commune": "strasbourg-neudorf", "csrfmiddlewaretoken": token})
    assert response["Location"] == "/territoires/strasbourg/strasbourg-neudorf/"
    assert COOKIE_NAME not in response.cookies
    person.refresh_from_db()
    assert person.home_territory == neudorf
    assert Activity.objects.filter(verb="user.profile_updated", target_id=person.pk).exists()
    assert "Votre territoire : <a" in client.get("/").content.decode()
    # Without the token, nothing changes (another site cannot set it).
    assert client.post(CHOOSE, {"commune": "schiltigheim"}).status_code == 403
    person.refresh_from_db()
    assert person.home_territory == neudorf


def test_a_members_get_leads_there_but_writes_nothing(client):
    person = UserFactory()
    client.force_login(person)
    response = client.get(CHOOSE, {"commune": "schiltigheim"})
    assert response["Location"] == "/territoires/schiltigheim/"
    assert COOKIE_NAME not in response.cookies
    person.refresh_from_db()
    assert person.home_territory is None


def test_a_member_reads_the_profile_not_a_cookie(client, neudorf):
    person = UserFactory()
    person.home_territory = neudorf
    person.save()
    client.cookies[COOKIE_NAME] = "schiltigheim"
    client.force_login(person)
    html = client.get("/").content.decode()
    assert 'Votre territoire : <a href="/territoires/strasbourg/strasbourg-neudorf/">' in html


def test_the_profile_form_sets_the_home_territory(client, neudorf):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        "/comptes/profil/",
        {"display_name": "Personne", "commune": "", "home_territory": neudorf.pk, "bio": ""},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.home_territory == neudorf
    assert "Neudorf (Strasbourg)" in client.get("/comptes/profil/").content.decode()


def test_deleting_the_account_erases_the_home_territory(neudorf):
    person = UserFactory()
    person.home_territory = neudorf
    person.save()
    user_delete_account(actor=person, user=person, password=PASSWORD)
    person.refresh_from_db()
    assert person.home_territory is None


# --- /api/v1/me/ "territory" ---


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_me_reads_and_writes_the_territory(neudorf):
    person = UserFactory()
    assert api(person).get("/api/v1/me/").json()["territory"] is None
    response = api(person).patch("/api/v1/me/", {"territory": "strasbourg-neudorf"}, format="json")
    assert response.status_code == 200 and response.json()["territory"] == "strasbourg-neudorf"
    person.refresh_from_db()
    assert person.home_territory == neudorf
    cleared = api(person).patch("/api/v1/me/", {"territory": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["territory"] is None


@pytest.mark.parametrize(
    "value",
    [
        "nulle-part",
        "eurometropole-de-strasbourg",
        "a\u0000b",
        "x" * 100_000,
        12,
        ["strasbourg"],
        {"slug": "strasbourg"},
        True,
    ],
    ids=lambda v: repr(v)[:20],
)
def test_me_refuses_a_bad_territory_with_a_clear_french_error(value):
    person = UserFactory()
    response = api(person).patch("/api/v1/me/", {"territory": value}, format="json")
    assert response.status_code == 400
    if value != "a\u0000b":  # refused by the request guard before the view (its own message)
        assert "Territoire inconnu" in response.json()["territory"][0]
    person.refresh_from_db()
    assert person.home_territory is None


def test_me_changes_nothing_when_one_field_is_refused():
    person = UserFactory()
    response = api(person).patch(
        "/api/v1/me/", {"digest": "weekly", "territory": "nulle-part"}, format="json"
    )
    assert response.status_code == 400
    assert api(person).get("/api/v1/me/").json()["digest"] == "daily"


@pytest.mark.parametrize("role", [None, PlatformRole.CITIZEN, PlatformRole.STAFF])
def test_me_territory_matrix(role):
    if role is None:
        assert api().get("/api/v1/me/").status_code in (401, 403)
        assert api().patch(
            "/api/v1/me/", {"territory": "strasbourg"}, format="json"
        ).status_code in (401, 403)
        return
    person = UserFactory(platform_role=role)
    response = api(person).patch("/api/v1/me/", {"territory": "strasbourg"}, format="json")
    assert response.status_code == 200 and response.json()["territory"] == "strasbourg"
