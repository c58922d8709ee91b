"""The public-service pages (legal notice, personal data, cookies, accessibility, contact, site
map), the footer that links them, and the JSON export of a person's own data."""

import json

import pytest
from django.urls import reverse

from documents.models import DocumentRevision
from events.models import Activity
from portal.legal import SITE_MAP
from portal.selectors import personal_data_export, workspaces_last_owned
from projects.models import SheetVersion
from workspace.models import Role

from ..factories import (
    DocumentFactory,
    FramingNoteFactory,
    MembershipFactory,
    SheetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LEGAL_PAGES = [
    "portal:legal_notice",
    "portal:privacy",
    "portal:cookies",
    "portal:accessibility",
    "portal:contact",
    "portal:site_map",
]


@pytest.mark.parametrize("name", LEGAL_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_every_page_answers_everyone_and_the_footer_links_them_all(client, name, who):
    if who == "user":
        client.force_login(UserFactory())
    page = client.get(reverse(name)).content.decode()
    footer = page[page.index('role="contentinfo"') :]
    for other in LEGAL_PAGES:
        assert f'href="{reverse(other)}"' in footer


def test_operator_details_come_from_settings(client, settings):
    settings.FABRIQUE_PUBLISHER_NAME = "Eurométropole de Strasbourg"
    settings.FABRIQUE_PUBLISHER_ADDRESS = "1 parc de l'Étoile, 67076 Strasbourg"
    settings.FABRIQUE_PUBLICATION_DIRECTOR = "La présidence"
    settings.FABRIQUE_HOST_NAME = "Hébergeur SAS"
    settings.FABRIQUE_CONTACT_EMAIL = "participation@example.org"
    notice = client.get(reverse("portal:legal_notice")).content.decode()
    for value in ("Eurométropole de Strasbourg", "La présidence", "Hébergeur SAS"):
        assert value in notice
    contact = client.get(reverse("portal:contact")).content.decode()
    assert "mailto:participation@example.org" in contact
    assert "1 parc de l&#x27;Étoile" in contact


def test_privacy_page_states_the_real_retention_settings(client, settings):
    settings.SESSION_COOKIE_AGE = 7 * 86400
    settings.FABRIQUE_LOGIN_COOLOFF_MINUTES = 25
    settings.FABRIQUE_API_TOKEN_TTL_HOURS = 240
    settings.FABRIQUE_TRASH_RETENTION_DAYS = 45
    page = client.get(reverse("portal:privacy")).content.decode()
    for text in ("7 jours au plus", "25 minutes après", "10 jours au plus", "après 45 jours"):
        assert text in page
    assert "CNIL" in page


def test_privacy_page_says_what_a_mediator_records_in_both_languages(client):
    """Contributions collected for people without an account: what is kept, who reads it."""
    page = client.get(reverse("portal:privacy")).content.decode()
    assert "recueillie par un·e médiateur·rice" in page and "jamais de nom" in page
    english = client.get(reverse("portal:privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "collected by a mediator" in english and "never a name" in english


def test_cookies_page_names_the_cookies_the_site_sets(client, settings):
    settings.SESSION_COOKIE_NAME = "fabrique_session"
    page = client.get(reverse("portal:cookies")).content.decode()
    for name in ("fabrique_session", settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
        assert f"<code>{name}</code>" in page


def test_accessibility_statement_does_not_claim_conformance(client):
    page = client.get(reverse("portal:accessibility")).content.decode()
    assert "<strong>non conforme</strong>" in page
    assert "totalement conforme" not in page.replace("ni totalement ni partiellement conforme", "")
    assert "Défenseur des droits" in page


def test_site_map_lists_every_page_of_its_list(client):
    page = client.get(reverse("portal:site_map")).content.decode()
    for _title, links in SITE_MAP:
        for name, _label in links:
            assert f'href="{reverse(name)}"' in page


def test_signup_says_what_becomes_public(client):
    page = client.get(reverse("accounts:signup")).content.decode()
    assert "Votre nom affiché apparaît" in page
    assert "n'est jamais montrée" in page
    assert reverse("portal:privacy") in page


# --- my data -------------------------------------------------------------------------------


def test_my_data_needs_a_signed_in_person(client):
    response = client.get(reverse("portal:my_data"))
    assert response.status_code == 302


def test_my_data_is_a_json_download_of_the_person_s_data(client):
    sheet = SheetFactory()
    author = sheet.created_by
    document = DocumentFactory(workspace=sheet.workspace, uploader=author)
    FramingNoteFactory(sheet=sheet, author=author)
    client.force_login(author)
    response = client.get(reverse("portal:my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == author.email
    assert [m["slug"] for m in data["memberships"]] == [sheet.workspace.slug]
    assert [v["title"] for v in data["sheet_versions"]] == [sheet.title]
    assert [r["title"] for r in data["document_revisions"]] == [document.title]
    assert len(data["framing_notes"]) == 1
    assert {a["verb"] for a in data["activity"]} >= {"sheet.created", "document.uploaded"}


def test_my_data_holds_nobody_else_s_data():
    """An agent changed someone's address: the agent's export says so, without the address."""
    from accounts.services import user_set_email

    agent = UserFactory(platform_role="staff", is_staff=True)
    citizen = UserFactory(email="avant@example.org")
    user_set_email(actor=agent, user=citizen, email="apres@example.org")
    other_sheet = SheetFactory()
    text = json.dumps(personal_data_export(user=agent))
    assert "avant@example.org" not in text and "apres@example.org" not in text
    assert agent.email in text
    assert other_sheet.title not in text
    assert Activity.objects.filter(actor=agent).exists()
    export = personal_data_export(user=citizen)
    assert export["sheet_versions"] == [] and export["activity"] == []
    assert not SheetVersion.objects.filter(author=citizen).exists()
    assert not DocumentRevision.objects.filter(uploaded_by=citizen).exists()


def test_workspaces_last_owned():
    sole = MembershipFactory(role=Role.OWNER)
    shared = MembershipFactory(role=Role.OWNER, user=sole.user)
    MembershipFactory(role=Role.OWNER, workspace=shared.workspace)
    MembershipFactory(role=Role.EDITOR, user=sole.user)
    assert workspaces_last_owned(user=sole.user) == [sole.workspace]
    assert workspaces_last_owned(user=UserFactory()) == []
