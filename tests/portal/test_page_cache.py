"""The page cache (interface/page_cache.py): whole pages kept for visitors who are nobody, the
board kept per account; both renewed when the event spine or the search outbox reports a change,
and never given to another person."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import PlatformRole
from events.generation import data_generation
from interface.page_cache import fragment_cached
from projects.services import sheet_update
from search.models import IndexOutbox
from territories.models import Territory
from workspace.models import Workspace

from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.FABRIQUE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def _queries(client, path, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    return response, len(ctx.captured_queries)


def _kept_pages() -> list[str]:
    return [key for key in caches["pages"]._cache if ":page:" in key]  # type: ignore[attr-defined]


def test_an_anonymous_page_is_served_again_from_one_query(client):
    sheet = SheetFactory(title="Jardin partagé du Neudorf")
    first, cold = _queries(client, sheet.get_absolute_url())
    second, warm = _queries(client, sheet.get_absolute_url())
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert "Jardin partagé du Neudorf" in second.content.decode()
    assert cold > 2
    assert warm == 1  # the data generation, nothing else


def test_a_change_recorded_through_the_event_spine_renews_the_page(client):
    sheet = SheetFactory(title="Ancien titre")
    assert "Ancien titre" in client.get(sheet.get_absolute_url()).content.decode()
    editor = member(sheet.workspace, "editor")
    sheet_update(actor=editor, sheet=sheet, base_version=1, title="Nouveau titre")
    html = client.get(sheet.get_absolute_url()).content.decode()
    assert "Nouveau titre" in html
    assert "Ancien titre" not in html


def test_a_sheet_made_private_is_no_longer_served_from_the_kept_copy(client):
    sheet = SheetFactory(title="Bientôt privée")
    assert client.get(sheet.get_absolute_url()).status_code == 200
    assert client.get("/fiches/").content.decode().count("Bientôt privée") == 1
    editor = member(sheet.workspace, "editor")
    sheet_update(actor=editor, sheet=sheet, base_version=1, is_public=False)
    assert client.get(sheet.get_absolute_url()).status_code == 404
    assert "Bientôt privée" not in client.get("/fiches/").content.decode()


def test_a_signed_in_page_is_never_kept_for_anonymous_visitors(client):
    workspace = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE, name="Cercle privé")
    sheet = SheetFactory(workspace=workspace, title="Fiche des membres", is_public=False)
    insider = member(workspace, "editor")
    client.force_login(insider)
    assert "Fiche des membres" in client.get(sheet.get_absolute_url()).content.decode()
    assert "Fiche des membres" in client.get("/fiches/").content.decode()
    assert "Cercle privé" in client.get("/").content.decode()
    client.logout()
    assert client.get(sheet.get_absolute_url()).status_code == 404
    assert "Fiche des membres" not in client.get("/fiches/").content.decode()
    assert "Cercle privé" not in client.get("/").content.decode()


def test_a_kept_anonymous_page_is_never_served_to_a_signed_in_visitor(client):
    workspace = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    SheetFactory(workspace=workspace, title="Fiche des membres", is_public=False)
    SheetFactory(title="Fiche publique")
    anonymous = client.get("/fiches/").content.decode()
    assert "Fiche publique" in anonymous and "Fiche des membres" not in anonymous
    insider = member(workspace, "editor")
    insider.display_name = "Camille Membre"
    insider.save()
    client.force_login(insider)
    html = client.get("/fiches/").content.decode()
    assert "Fiche des membres" in html
    assert "Camille Membre" in html  # the header names the person, not a copy for nobody


def test_the_language_is_part_of_the_key(client):
    SheetFactory()
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr"' in french
    assert 'lang="en"' in english
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode() == english


def test_a_page_with_a_csrf_token_is_never_kept(client):
    """The login form holds a token tied to this browser's CSRF cookie: never shared."""
    client.get("/comptes/connexion/")
    other = type(client)()
    other.get("/comptes/connexion/")
    token = client.cookies["csrftoken"].value
    assert token != other.cookies["csrftoken"].value
    _response, warm = _queries(client, "/comptes/connexion/")
    assert warm == 0  # rendered again (the login page reads no table), not looked up
    assert not _kept_pages()


def test_visitors_with_messages_or_credentials_are_not_served_kept_pages(client):
    SheetFactory(title="Fiche")
    client.get("/fiches/")
    _response, warm = _queries(client, "/fiches/")
    assert warm == 1
    _response, with_messages = _queries(client, "/fiches/", HTTP_COOKIE="messages=x")
    assert with_messages > 1
    _response, with_token = _queries(client, "/fiches/", HTTP_AUTHORIZATION="Token abc")
    assert with_token > 1


def test_only_the_listed_views_are_kept(client):
    """A share link or a document page may expire by the clock: they are not in the list."""
    from django.conf import settings

    assert "documents:share" not in settings.FABRIQUE_PAGE_CACHE_VIEWS
    WorkspaceFactory(name="Atelier vélo")
    assert client.get("/espaces/").status_code == 200
    assert not _kept_pages()
    assert client.get("/fiches/").status_code == 200
    assert len(_kept_pages()) == 1


def test_the_search_outbox_is_part_of_the_generation():
    before = data_generation()
    SheetFactory()  # an event, and an outbox row
    after_event = data_generation()
    assert after_event != before
    IndexOutbox.objects.all().delete()  # the indexer drained it
    assert data_generation() != after_event


def test_a_search_page_changes_when_the_indexer_catches_up(client):
    """The worker indexes after the event's commit; the page kept before must not outlive it."""
    sheet = SheetFactory(title="Composteur collectif")
    IndexOutbox.objects.all().delete()
    kept = client.get("/recherche/?q=composteur").content
    IndexOutbox.objects.create(content_type_id=1, object_id=str(sheet.pk))
    _response, queries = _queries(client, "/recherche/?q=composteur")
    assert queries > 1
    assert kept  # rendered, not the old copy


def test_a_fragment_is_kept_per_account():
    one = UserFactory(platform_role=PlatformRole.STAFF)
    two = UserFactory(platform_role=PlatformRole.STAFF)
    factory = RequestFactory()

    def request_for(user):
        request = factory.get("/suivi/")
        request.user = user
        return request

    assert fragment_cached(request_for(one), "board", lambda: "board of one") == "board of one"
    assert fragment_cached(request_for(two), "board", lambda: "board of two") == "board of two"
    assert fragment_cached(request_for(one), "board", lambda: "fresh") == "board of one"
    SheetFactory()  # an event: a new generation
    assert fragment_cached(request_for(one), "board", lambda: "fresh") == "fresh"


def test_the_board_is_kept_for_its_reader_and_renewed_by_a_change(client):
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    SheetFactory(title="Première fiche")
    client.force_login(staff)
    assert "Première fiche" in client.get("/suivi/").content.decode()
    _response, warm = _queries(client, "/suivi/")
    cold_free = warm
    SheetFactory(title="Seconde fiche")
    response, cold = _queries(client, "/suivi/")
    assert "Seconde fiche" in response.content.decode()
    assert cold > cold_free


def test_the_board_checks_who_asks_on_every_request(client):
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    SheetFactory(title="Fiche suivie")
    client.force_login(staff)
    assert client.get("/suivi/").status_code == 200
    staff.platform_role = PlatformRole.CITIZEN
    staff.save()
    assert client.get("/suivi/").status_code == 403


def test_the_cache_is_off_when_its_lifetime_is_zero(client, settings):
    settings.FABRIQUE_PAGE_CACHE_SECONDS = 0
    SheetFactory()
    client.get("/fiches/")
    _response, again = _queries(client, "/fiches/")
    assert again > 1


def test_an_edit_in_the_admin_renews_the_kept_page_at_once(client):
    """Reference data edited in the admin goes through a service that records no event, but the
    admin logs each change: that log is part of the generation, so no kept page outlives an
    admin edit, not even for the cache's lifetime."""
    strasbourg = Territory.objects.get(slug="strasbourg", kind=Territory.Kind.COMMUNE)
    sheet = SheetFactory(title="Fiche à Strasbourg", territory=strasbourg)
    assert "Strasbourg" in client.get(sheet.get_absolute_url()).content.decode()
    staff = Client()
    staff.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = staff.post(
        f"/admin/territories/territory/{strasbourg.pk}/change/",
        {"name": "Strasbourg-Ville", "kind": strasbourg.kind, "parent": strasbourg.parent_id},
    )
    assert response.status_code == 302, response.content[:300]
    assert "Strasbourg-Ville" in client.get(sheet.get_absolute_url()).content.decode()
