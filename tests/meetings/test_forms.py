"""An organiser announces and changes a meeting from the site (no script): who may, what is
refused with the form's errors (and changes nothing), what the registrants and the sheet see."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import SheetFactory, UserFactory

from .factories import meeting

pytestmark = pytest.mark.django_db


def _form(**over):
    starts = timezone.localtime() + datetime.timedelta(days=10)
    body = {
        "kind": "workshop",
        "title": "Atelier du parvis",
        "description": "Dessinons ensemble le parvis.",
        "starts": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Maison des associations",
        "address": "1 place des Orphelins, Strasbourg",
        "step_free": "on",
        "capacity": "25",
    }
    body.update(over)
    return body


@pytest.fixture
def world(make_workspace):
    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, author=actors["owner"], is_public=True)
    return sheet, actors


def test_an_editor_announces_a_meeting_from_the_sheet(client, world):
    sheet, actors = world
    client.force_login(actors["owner"])
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert f'href="/reunions/nouvelle/fiche/{sheet.pk}/"' in page
    response = client.post(f"/reunions/nouvelle/fiche/{sheet.pk}/", _form())
    made = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.sheet == sheet and made.step_free and made.capacity == 25
    assert "Atelier du parvis" in client.get(sheet.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["reader", "outsider", None])
def test_who_may_not_announce(client, world, who):
    sheet, actors = world
    if who:
        client.force_login(actors[who])
    assert client.get(f"/reunions/nouvelle/fiche/{sheet.pk}/").status_code == 403
    assert client.post(f"/reunions/nouvelle/fiche/{sheet.pk}/", _form()).status_code == 403
    assert not Meeting.objects.exists()
    assert "nouvelle/fiche" not in client.get(sheet.get_absolute_url()).content.decode()


def test_a_private_sheet_is_a_404_to_outsiders(client, make_workspace):
    workspace, actors = make_workspace(visibility="private")
    sheet = SheetFactory(workspace=workspace, author=actors["owner"])
    client.force_login(UserFactory())
    assert client.get(f"/reunions/nouvelle/fiche/{sheet.pk}/").status_code == 404


@pytest.mark.parametrize(
    "over",
    [
        {"title": ""},
        {"ends": "2020-01-01T10:00"},  # before it starts
        {"starts": "pas une date"},
        {"online_url": "http://example.org/visio"},  # https only
        {"capacity": "-3"},
        {"title": "x" * 5000},
        {"kind": "banquet"},
    ],
)
def test_bad_input_is_refused_with_the_forms_errors_and_changes_nothing(client, world, over):
    sheet, actors = world
    client.force_login(actors["owner"])
    response = client.post(f"/reunions/nouvelle/fiche/{sheet.pk}/", _form(**over))
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode() or "error" in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_organiser_changes_a_meeting_to_come(client, world):
    sheet, actors = world
    m = meeting(sheet=sheet, actor=actors["owner"], title="Réunion publique")
    client.force_login(actors["owner"])
    assert f'href="/reunions/{m.pk}/modifier/"' in client.get(m.get_absolute_url()).content.decode()
    form = client.get(f"/reunions/{m.pk}/modifier/").content.decode()
    assert 'value="Réunion publique"' in form
    starts = timezone.localtime(m.starts)
    response = client.post(
        f"/reunions/{m.pk}/modifier/",
        _form(
            kind="public_meeting",
            title="Réunion publique, nouvelle salle",
            starts=starts.strftime("%Y-%m-%dT%H:%M"),
            ends=(starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.title == "Réunion publique, nouvelle salle" and m.place == "Maison des associations"
    # Someone who may not organise it: 403, nothing changed.
    client.force_login(actors["reader"])
    assert client.post(f"/reunions/{m.pk}/modifier/", _form(title="Piraté")).status_code == 403
    m.refresh_from_db()
    assert m.title == "Réunion publique, nouvelle salle"
