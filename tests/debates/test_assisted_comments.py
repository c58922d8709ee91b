"""Assisted comments: a mediator records, with consent, the message of a person without an
account — signed with a pseudonym or initials and marked « recueilli par un·e médiateur·rice à
<lieu> le <date> » on the debate page, in the API and in the feeds; subject to moderation like
any message. Who may (anonymous, citizen, mediator, staff), consent required, hostile input."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PlatformRole
from accounts.services.mediation import mediator_grant
from debates.errors import CommentForbidden
from debates.models import Comment
from debates.services import comment_create_assisted
from projects.models import Stage

from ..factories import SheetFactory, UserFactory
from .factories import debate

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 28)


def mediator():
    person = UserFactory()
    mediator_grant(actor=UserFactory(platform_role=PlatformRole.STAFF), user=person)
    return type(person).objects.get(pk=person.pk)


def record(actor, d, **extra):
    values = {
        "body": "Il faut plus d'arceaux près de la gare.",
        "stance": "for",
        "pseudonym": "R. K.",
        "place": "Médiathèque Malraux",
        "collected_on": timezone.localdate(),
        "consent": True,
    }
    values.update(extra)
    return comment_create_assisted(actor=actor, debate=d, **values)


@pytest.fixture
def open_debate():
    sheet = SheetFactory(stage=Stage.CONSULTATION)
    return debate(sheet=sheet, title="Quel stationnement ?")


def test_recorded_with_its_marking_on_the_page_and_in_the_api(client, open_debate):
    by = mediator()
    comment = record(by, open_debate)
    assert comment.author == by and comment.is_assisted
    page = Client().get(open_debate.get_absolute_url()).content.decode()
    day = timezone.localdate()
    assert "R. K." in page and "recueilli par un·e médiateur·rice à Médiathèque Malraux" in page
    assert str(by) not in page.split("commentaire-")[1]  # signed by the person, not the mediator
    rows = Client().get(f"/api/v1/debates/{open_debate.pk}/comments/").json()["results"]
    assisted = rows[0]["assisted"]
    assert assisted["pseudonym"] == "R. K." and assisted["place"] == "Médiathèque Malraux"
    assert assisted["date"] == day.isoformat() and assisted["note"].startswith("recueilli par")


def test_the_feed_carries_the_marking(open_debate):
    record(mediator(), open_debate)
    feed = Client().get(reverse("notifications:feed_sheet", args=[open_debate.sheet.pk]))
    assert feed.status_code == 200
    summaries = [
        e.findtext("{http://www.w3.org/2005/Atom}summary") or ""
        for e in ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")
    ]
    assert any(
        "R. K. (recueilli par un·e médiateur·rice à Médiathèque Malraux" in s for s in summaries
    )


def test_consent_is_required(open_debate):
    with pytest.raises(ValidationError):
        record(mediator(), open_debate, consent=False)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "moderator"])
def test_only_mediators_and_staff_record(open_debate, who):
    role = PlatformRole.MODERATOR if who == "moderator" else PlatformRole.CITIZEN
    with pytest.raises(CommentForbidden):
        record(UserFactory(platform_role=role), open_debate)
    record(UserFactory(platform_role=PlatformRole.STAFF), open_debate)
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("citizen", 403), ("mediator", 200), ("staff", 200)]
)
def test_who_opens_the_page(client, open_debate, who, status):
    if who != "anonymous":
        make = {
            "citizen": UserFactory,
            "mediator": mediator,
            "staff": lambda: UserFactory(platform_role=PlatformRole.STAFF),
        }[who]
        client.force_login(make())
    url = reverse("debates:comment_assisted", args=[open_debate.pk])
    assert client.get(url).status_code == status
    link = (
        "Recueillir le message d'une personne sans compte"
        in client.get(open_debate.get_absolute_url()).content.decode()
    )
    assert link == (status == 200)


def test_the_page_records_and_refuses_without_consent(client, open_debate):
    client.force_login(mediator())
    url = reverse("debates:comment_assisted", args=[open_debate.pk])
    data = {
        "pseudonym": "R. K.",
        "place": "Mairie",
        "collected_on": timezone.localdate().isoformat(),
        "body": "Un avis recueilli.",
        "stance": "",
    }
    assert client.post(url, data).status_code == 400
    assert Comment.objects.count() == 0
    assert client.post(url, {**data, "consent": "on"}).status_code == 302
    assert Comment.objects.get().assisted_place == "Mairie"


@pytest.mark.parametrize(
    "extra",
    [
        {"pseudonym": ""},
        {"pseudonym": "x" * 41},
        {"place": " "},
        {"collected_on": DAY.replace(year=1990)},
        {"collected_on": timezone.localdate() + datetime.timedelta(days=3)},
        {"collected_on": "2026-11-28"},
        {"body": ""},
        {"stance": "maybe"},
    ],
)
def test_hostile_input_is_refused(open_debate, extra):
    with pytest.raises(ValidationError):
        record(mediator(), open_debate, **extra)
    assert Comment.objects.count() == 0


def test_a_private_debate_is_not_found_for_the_page(client):
    sheet = SheetFactory(stage=Stage.CONSULTATION)
    sheet.workspace.visibility = "private"
    sheet.workspace.save(update_fields=["visibility"])
    d = debate(sheet=sheet, author=UserFactory(is_superuser=True, is_staff=True))
    client.force_login(mediator())
    assert client.get(reverse("debates:comment_assisted", args=[d.pk])).status_code == 404
