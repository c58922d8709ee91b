"""Assisted amendments: a mediator (or staff) records, with consent, the amendment of a person
without an account — shown under a pseudonym or initials and marked « recueilli par un·e
médiateur·rice à <lieu> le <date> » on the sheet, the amendment's page, the round's candidates
and results, in the API and the feed; judged like any amendment; the mediator's account answers
for it in the trail. Who may (anonymous, outsider, member, mediator, staff), consent required,
hostile input, the open-amendments ceiling counted per person."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PlatformRole
from accounts.services.mediation import mediator_grant, mediator_revoke
from amendments.errors import AmendmentConflict, AmendmentForbidden, AmendmentNotFound
from amendments.models import Amendment
from amendments.services import (
    amendment_accept,
    amendment_submit,
    amendment_submit_assisted,
    ballot_cast,
    round_close,
)
from events.models import Activity
from projects.models import Stage

from ..factories import SheetFactory, UserFactory
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db

NOTE = "recueilli par un·e médiateur·rice à Médiathèque Malraux"


def mediator():
    person = UserFactory()
    mediator_grant(actor=staff(), user=person)
    return type(person).objects.get(pk=person.pk)


def record(actor, sheet, **extra):
    values = {
        "field": "summary",
        "text": "Un résumé réécrit par une habitante.",
        "base_version": 1,
        "rationale": "Plus clair.",
        "pseudonym": "R. K.",
        "place": "Médiathèque Malraux",
        "collected_on": timezone.localdate(),
        "consent": True,
    }
    values.update(extra)
    return amendment_submit_assisted(actor=actor, sheet=sheet, **values)


@pytest.fixture
def round_():
    return open_round()


def test_recorded_with_its_marking_on_the_sheet_the_page_and_in_the_api(round_):
    by = mediator()
    amendment = record(by, round_.sheet)
    assert amendment.author == by and amendment.is_assisted
    assert amendment.assisted_place == "Médiathèque Malraux"
    anonymous = Client()
    sheet_page = anonymous.get(round_.sheet.get_absolute_url()).content.decode()
    section = sheet_page.split('id="amendements"')[1]
    assert "R. K." in section and NOTE in section
    assert by.display_name not in section  # shown as the person's, not the mediator's
    page = anonymous.get(amendment.get_absolute_url()).content.decode()
    assert "R. K." in page and NOTE in page and by.display_name not in page
    rows = anonymous.get(f"/api/v1/sheets/{round_.sheet.pk}/amendments/").json()["results"]
    assisted = rows[0]["assisted"]
    assert assisted["pseudonym"] == "R. K." and assisted["place"] == "Médiathèque Malraux"
    assert assisted["date"] == timezone.localdate().isoformat()
    assert assisted["note"].startswith(NOTE)
    detail = anonymous.get(f"/api/v1/amendments/{amendment.pk}/").json()
    assert detail["assisted"]["pseudonym"] == "R. K."


def test_an_ordinary_amendment_is_not_marked(round_):
    author = UserFactory()
    amendment = amendment_submit(
        actor=author, sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    detail = Client().get(f"/api/v1/amendments/{amendment.pk}/").json()
    assert detail["assisted"] is None
    page = Client().get(amendment.get_absolute_url()).content.decode()
    assert "recueilli par" not in page and author.display_name in page


def test_the_round_the_feed_and_the_merged_version_carry_the_marking(round_):
    amendment = record(mediator(), round_.sheet)
    feed = Client().get(reverse("notifications:feed_sheet", args=[round_.sheet.pk]))
    summaries = [
        e.findtext("{http://www.w3.org/2005/Atom}summary") or ""
        for e in ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")
    ]
    assert any(f"R. K. ({NOTE}" in s for s in summaries)
    to_judgment(round_)
    judging = Client().get(round_.get_absolute_url()).content.decode()
    assert NOTE in judging  # among the candidates a judge reads
    ballot_cast(
        actor=UserFactory(),
        round_=round_,
        grades={"status_quo:summary": 1, str(amendment.pk): 5},
    )
    round_close(actor=staff(), round_=round_)
    results = Client().get(round_.get_absolute_url()).content.decode()
    assert NOTE in results.split('id="resultats-legende"')[1]
    amendment.refresh_from_db()
    accepted = amendment_accept(actor=staff(), amendment=amendment)
    note = accepted.merged_version.change_note
    assert "R. K." in note and "recueilli par" in note


def test_the_trail_names_the_mediator(round_):
    by = mediator()
    amendment = record(by, round_.sheet)
    activity = Activity.objects.get(verb="amendment.submitted", target_id=amendment.pk)
    assert activity.actor_id == by.pk and activity.data["assisted"] is True


def test_consent_is_required(round_):
    with pytest.raises(ValidationError) as error:
        record(mediator(), round_.sheet, consent=False)
    assert "consent" in error.value.message_dict
    assert Amendment.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "member", "moderator", "official", "former"])
def test_only_mediators_and_staff_record(make_workspace, who):
    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, stage=Stage.CONSULTATION)
    open_round(sheet)
    actor = {
        "outsider": lambda: actors["outsider"],
        "member": lambda: actors["contributor"],
        "moderator": lambda: UserFactory(platform_role=PlatformRole.MODERATOR),
        "official": lambda: actors["official"],
        "former": lambda: mediator_revoke(actor=staff(), user=mediator()).user,
    }[who]()
    actor = type(actor).objects.get(pk=actor.pk)
    with pytest.raises(AmendmentForbidden):
        record(actor, sheet)
    record(actors["staff"], sheet)
    record(mediator(), sheet, pseudonym="A. B.")
    assert Amendment.objects.count() == 2


def test_a_private_sheet_is_not_found_for_a_mediator_outside_it(make_workspace):
    workspace, actors = make_workspace(visibility="private")
    sheet = SheetFactory(workspace=workspace, author=actors["owner"], stage=Stage.CONSULTATION)
    open_round(sheet, actor=UserFactory(is_superuser=True, is_staff=True))
    by = mediator()
    with pytest.raises(AmendmentNotFound):
        record(by, sheet)
    client = Client()
    client.force_login(by)
    url = reverse("amendments:propose_assisted", args=[sheet.pk])
    assert client.get(url).status_code == 404


def test_outside_the_submission_window_it_is_refused(round_):
    to_judgment(round_)
    with pytest.raises(AmendmentConflict):
        record(mediator(), round_.sheet)


@pytest.mark.parametrize(
    "extra",
    [
        {"pseudonym": ""},
        {"pseudonym": "   "},
        {"pseudonym": "x" * 41},
        {"place": " "},
        {"place": "p" * 201},
        {"collected_on": datetime.date(1990, 1, 1)},
        {"collected_on": timezone.localdate() + datetime.timedelta(days=3)},
        {"collected_on": "2026-11-28"},
        {"collected_on": None},
        {"text": ""},
        {"text": "Un résumé de départ."},  # the same as the base version
        {"field": "nope"},
        {"base_version": 99},
        {"consent": "yes"},
    ],
)
def test_hostile_input_is_refused(round_, extra):
    with pytest.raises(ValidationError):
        record(mediator(), round_.sheet, **extra)
    assert Amendment.objects.count() == 0


def test_the_ceiling_counts_per_person_not_per_mediator(round_, settings):
    settings.FABRIQUE_OPEN_AMENDMENTS_PER_ACCOUNT = 2
    by = mediator()
    record(by, round_.sheet, text="Un.")
    record(mediator(), round_.sheet, text="Deux.", pseudonym="r. k.")
    with pytest.raises(AmendmentConflict, match="R. K."):
        record(by, round_.sheet, text="Trois.")
    record(by, round_.sheet, text="Pour une autre personne.", pseudonym="L. M.")
    # The mediator's own amendments are counted apart from those they recorded.
    amendment_submit(actor=by, sheet=round_.sheet, field="body", text="Le mien.", base_version=1)
    assert Amendment.objects.filter(author=by).count() == 3


# --- the page ---


def _login(client, who, actors):
    make = {
        "anonymous": lambda: None,
        "outsider": lambda: actors["outsider"],
        "member": lambda: actors["contributor"],
        "mediator": mediator,
        "staff": lambda: actors["staff"],
    }[who]
    user = make()
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 403), ("member", 403), ("mediator", 200), ("staff", 200)],
)
def test_who_opens_the_page(client, make_workspace, who, status):
    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, stage=Stage.CONSULTATION)
    open_round(sheet)
    _login(client, who, actors)
    url = reverse("amendments:propose_assisted", args=[sheet.pk])
    assert client.get(url).status_code == status
    assert client.get(f"{url}?champ=summary").status_code == status
    link = "Recueillir l'amendement d'une personne sans compte"
    assert (link in client.get(sheet.get_absolute_url()).content.decode()) == (status == 200)
    round_ = sheet.amendment_rounds.get()
    assert (link in client.get(round_.get_absolute_url()).content.decode()) == (status == 200)


@pytest.mark.parametrize("who", ["outsider", "member", "anonymous"])
def test_the_page_refuses_a_post_from_others(client, make_workspace, who):
    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, stage=Stage.CONSULTATION)
    open_round(sheet)
    _login(client, who, actors)
    url = reverse("amendments:propose_assisted", args=[sheet.pk]) + "?champ=summary"
    response = client.post(url, _form())
    assert response.status_code in (302, 403)
    assert Amendment.objects.count() == 0


def _form(**extra):
    data = {
        "pseudonym": "R. K.",
        "place": "Mairie annexe",
        "collected_on": timezone.localdate().isoformat(),
        "base_version": "1",
        "text": "Un résumé réécrit.",
        "rationale": "",
    }
    data.update(extra)
    return data


def test_the_page_records_and_refuses_without_consent(client, round_):
    client.force_login(mediator())
    url = reverse("amendments:propose_assisted", args=[round_.sheet.pk]) + "?champ=summary"
    refused = client.post(url, _form())
    assert refused.status_code == 400
    assert "Le consentement de la personne est requis." in refused.content.decode()
    assert Amendment.objects.count() == 0
    done = client.post(url, {**_form(), "consent": "on"})
    assert done.status_code == 302
    amendment = Amendment.objects.get()
    assert done["Location"] == amendment.get_absolute_url()
    assert (amendment.assisted_label, amendment.assisted_place) == ("R. K.", "Mairie annexe")


@pytest.mark.parametrize(
    "extra",
    [
        {"collected_on": "pas une date"},
        {"collected_on": "1990-01-01"},
        {"pseudonym": "x" * 500},
        {"base_version": "-3"},
        {"base_version": "99999999999999999999"},
        {"text": "\x00"},
    ],
)
def test_the_page_answers_hostile_input_without_storing(client, round_, extra):
    client.force_login(mediator())
    url = reverse("amendments:propose_assisted", args=[round_.sheet.pk]) + "?champ=summary"
    response = client.post(url, {**_form(consent="on"), **extra})
    assert response.status_code == 400
    assert Amendment.objects.count() == 0


def test_the_page_outside_the_submission_window(client, round_):
    to_judgment(round_)
    client.force_login(mediator())
    url = reverse("amendments:propose_assisted", args=[round_.sheet.pk]) + "?champ=summary"
    assert client.get(url).status_code == 200
    assert client.post(url, _form(consent="on")).status_code == 409
    assert Amendment.objects.count() == 0


def test_the_page_and_the_marking_in_english(client, round_):
    amendment = record(mediator(), round_.sheet)
    page = client.get(amendment.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "collected by a mediator at Médiathèque Malraux" in page
    assert "recueilli par" not in page
    client.force_login(mediator())
    url = reverse("amendments:propose_assisted", args=[round_.sheet.pk]) + "?champ=summary"
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Collect an amendment to" in form and "The text they propose" in form
    assert "Submit the collected amendment" in form
    assert "For a person without an account, with their consent." in form


# --- the API ---


def _api_body(**extra):
    body = {
        "field": "summary",
        "text": "Un résumé réécrit.",
        "base_version": 1,
        "pseudonym": "R. K.",
        "place": "Mairie annexe",
        "collected_on": timezone.localdate().isoformat(),
        "consent": True,
    }
    body.update(extra)
    return body


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("outsider", 403), ("member", 403), ("mediator", 201), ("staff", 201)],
)
def test_the_api_records_for_mediators_only(make_workspace, who, status):
    from rest_framework.test import APIClient

    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, stage=Stage.CONSULTATION)
    open_round(sheet)
    client = APIClient()
    user = {
        "anonymous": None,
        "outsider": actors["outsider"],
        "member": actors["contributor"],
        "mediator": mediator(),
        "staff": actors["staff"],
    }[who]
    if user is not None:
        client.force_authenticate(user)
    response = client.post(
        f"/api/v1/sheets/{sheet.pk}/assisted-amendments/", _api_body(), format="json"
    )
    assert response.status_code == status, response.content
    if status == 201:
        assisted = response.json()["assisted"]
        assert assisted["pseudonym"] == "R. K." and assisted["note"].startswith("recueilli par")
        assert response.json()["author"]["id"] == user.pk
    assert Amendment.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    "extra",
    [
        {"consent": False},
        {"consent": None},
        {"pseudonym": ""},
        {"pseudonym": "x" * 41},
        {"pseudonym": "x" * 5000},
        {"place": ["Mairie"]},
        {"collected_on": "2026-02-30"},
        {"collected_on": "1990-01-01"},
        {"text": "Un résumé de départ."},
        {"field": "nope"},
        {"base_version": 2**70},
        {"pseudonym": "R\x00K"},
    ],
)
def test_the_api_answers_hostile_input_with_400(round_, extra):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(mediator())
    response = client.post(
        f"/api/v1/sheets/{round_.sheet.pk}/assisted-amendments/", _api_body(**extra), format="json"
    )
    assert response.status_code == 400, response.content
    assert Amendment.objects.count() == 0


def test_the_api_outside_the_window_and_on_a_hidden_sheet(round_, make_workspace):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(mediator())
    to_judgment(round_)
    late = client.post(
        f"/api/v1/sheets/{round_.sheet.pk}/assisted-amendments/", _api_body(), format="json"
    )
    assert late.status_code == 409
    workspace, actors = make_workspace(visibility="private")
    hidden = SheetFactory(workspace=workspace, author=actors["owner"], stage=Stage.CONSULTATION)
    response = client.post(
        f"/api/v1/sheets/{hidden.pk}/assisted-amendments/", _api_body(), format="json"
    )
    assert response.status_code == 404 and Amendment.objects.count() == 0
