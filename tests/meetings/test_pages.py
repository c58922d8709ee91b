"""The meeting page: registering without script (signed in or not), twice → a clear message,
the organisers' list and its CSV, the restitution published on the sheet."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from meetings.models import Meeting, Registration
from meetings.services import (
    CONFIRM_SALT,
    registration_confirm,
    registration_create,
    registration_token,
)
from tests.factories import SheetFactory, UserFactory

from .factories import meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet_world(make_workspace):
    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, author=actors["owner"], is_public=True)
    return sheet, actors, meeting(sheet=sheet, actor=actors["editor"], capacity=1)


def test_register_without_an_account_through_the_form(sheet_world, client):
    sheet, actors, m = sheet_world
    page = client.get(m.get_absolute_url())
    assert page.status_code == 200
    assert b"Salle des f" in page.content and b"/ical/" in page.content
    response = client.post(m.get_absolute_url(), {"name": "Ana", "email": "ana@example.org"})
    assert response.status_code == 302
    assert Registration.objects.get(meeting=m).name == "Ana"
    again = client.post(
        m.get_absolute_url(), {"name": "Ana", "email": "ana@example.org"}, follow=True
    )
    assert again.status_code == 409
    assert "déjà inscrit·e" in again.content.decode()
    bad = client.post(m.get_absolute_url(), {"name": "Ana\x00", "email": "x" * 300})
    assert bad.status_code == 400


def test_signed_in_one_click_and_cancel(sheet_world, client):
    sheet, actors, m = sheet_world
    client.force_login(actors["reader"])
    assert client.post(m.get_absolute_url()).status_code == 302
    assert Registration.objects.get(meeting=m, user=actors["reader"]).state == "registered"
    client.post(f"/reunions/{m.pk}/desinscription/")
    assert Registration.objects.get(meeting=m, user=actors["reader"]).state == "cancelled"


def test_the_public_sees_a_count_never_names(sheet_world, client):
    sheet, actors, m = sheet_world
    r = registration_create(actor=None, meeting=m, name="Zoé Secrète", email="zoe@example.org")
    registration_confirm(token=registration_token(r, CONFIRM_SALT))
    for user in (None, actors["outsider"], actors["reader"]):
        if user is not None:
            client.force_login(user)
        content = client.get(m.get_absolute_url()).content.decode()
        assert "Zoé Secrète" not in content and "zoe@example.org" not in content
        assert "1 inscrit·es / 1 places" in content
        assert client.get(f"/reunions/{m.pk}/inscrits/").status_code in (302, 403)


def test_organisers_list_and_csv(sheet_world, client):
    sheet, actors, m = sheet_world
    registration_create(actor=None, meeting=m, name="=HYPERLINK(1)", email="zoe@example.org")
    client.force_login(actors["editor"])
    page = client.get(f"/reunions/{m.pk}/inscrits/")
    assert page.status_code == 200 and "zoe@example.org" in page.content.decode()
    csv = client.get(f"/reunions/{m.pk}/inscrits/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in csv.content.decode()


def test_restitution_is_published_on_the_sheet(sheet_world, client):
    sheet, actors, m = sheet_world
    past = timezone.now() - datetime.timedelta(days=2)
    Meeting.objects.filter(pk=m.pk).update(starts=past, ends=past + datetime.timedelta(hours=2))
    client.force_login(actors["editor"])
    data = {"minutes": "## Ce qui a été dit\n\n<script>x</script>Le parc.", "attendance": "23"}
    assert client.post(f"/reunions/{m.pk}/restitution/", data).status_code == 302
    client.logout()
    page = client.get(m.get_absolute_url()).content.decode()
    assert "23 personnes présentes" in page and "Ce qui a été dit" in page
    assert "<script>x" not in page
    sheet_page = client.get(sheet.get_absolute_url()).content.decode()
    assert m.title in sheet_page


def test_an_outsider_cannot_publish_a_restitution(sheet_world, client):
    sheet, actors, m = sheet_world
    client.force_login(UserFactory())
    response = client.post(f"/reunions/{m.pk}/restitution/", {"minutes": "x"})
    assert response.status_code == 403


def test_territory_pages_list_their_meetings_and_their_quartiers(client):
    from territories.models import Territory

    strasbourg = Territory.objects.get(slug="strasbourg")
    from territories.services import territory_create

    quartier = territory_create(name="Quartier de test", kind="quartier", parent=strasbourg)
    in_quartier = meeting(territory=quartier, title="Atelier dans le quartier")
    elsewhere = meeting(
        territory=Territory.objects.filter(kind="commune").exclude(pk=strasbourg.pk).first(),
        title="Ailleurs",
    )
    from portal.territory.views import territory_url

    commune_page = client.get(territory_url(strasbourg)).content.decode()
    assert in_quartier.title in commune_page and elsewhere.title not in commune_page
    home = client.get("/").content.decode()
    assert in_quartier.title in home
    # A quartier's page also lists its commune's meetings and the Eurométropole's, each naming
    # its territory; not another commune's, nor another quartier's.
    commune_wide = meeting(territory=strasbourg, title="Réunion de toute la commune")
    metropole = Territory.objects.get(kind="metropole")
    meeting(territory=metropole, title="Réunion métropolitaine")
    other = territory_create(name="Autre quartier", kind="quartier", parent=strasbourg)
    meeting(territory=other, title="Atelier de l'autre quartier")
    quartier_page = client.get(territory_url(quartier)).content.decode()
    section = quartier_page[quartier_page.index('id="reunions"') :]
    section = section[: section.index("</section>")]
    assert in_quartier.title in section and commune_wide.title in section
    assert "Réunion métropolitaine" in section
    assert f'<span class="badge">{strasbourg.name}</span>' in section
    assert "Atelier de l&#x27;autre quartier" not in section and elsewhere.title not in section


def test_an_organiser_cancels_the_meeting_and_registrants_are_told(
    sheet_world, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    sheet, actors, m = sheet_world
    registration_create(actor=actors["reader"], meeting=m)
    client.force_login(actors["outsider"])
    assert client.post(f"/reunions/{m.pk}/annulation/").status_code == 403
    client.force_login(actors["editor"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/reunions/{m.pk}/annulation/").status_code == 302
    assert Meeting.objects.get(pk=m.pk).state == "cancelled"
    assert [msg.to for msg in mail.outbox] == [[actors["reader"].email]]
    assert "Cette réunion est annulée." in client.get(m.get_absolute_url()).content.decode()
