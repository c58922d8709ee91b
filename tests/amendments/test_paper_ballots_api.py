"""The paper ballots' double entry through the API (POST /api/v1/rounds/{id}/paper-ballots/):
mediators and staff only (anonymous 401, others 403, a round one may not see 404); the first
typing waits, an agreeing second typing by another mediator counts one ballot in the same tally;
a disagreement answers 409 with the differences and stores nothing; the same mediator twice and
a counted number 409; the waiting list never shows grades; a misread typing is withdrawn;
hostile input answers 400, never 500; the endpoints are in the OpenAPI schema."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PlatformRole
from accounts.services.mediation import mediator_grant
from amendments.models import Ballot, PaperBallotEntry
from amendments.selectors import round_judges, round_tally
from amendments.services import amendment_submit

from ..factories import SheetFactory, UserFactory
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db

SQ = "status_quo:summary"


def mediator():
    person = UserFactory()
    mediator_grant(actor=staff(), user=person)
    return type(person).objects.get(pk=person.pk)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def judged():
    round_ = open_round()
    amendment = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Mieux.", base_version=1
    )
    return to_judgment(round_), str(amendment.pk)


def paper(a, **extra):
    body = {
        "identifier": "B-012",
        "place": "Mairie de quartier",
        "voted_on": timezone.localdate().isoformat(),
        "voter_label": "C. M.",
        "grades": {SQ: 2, a: 5},
        "declared_no_online_ballot": True,
    }
    body.update(extra)
    return body


def url(round_) -> str:
    return f"/api/v1/rounds/{round_.pk}/paper-ballots/"


def test_two_agreeing_typings_count_once(judged):
    round_, a = judged
    first = api(mediator()).post(url(round_), paper(a), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["state"] == "waiting" and first.json()["identifier"] == "B-012"
    assert round_judges(round_) == 0
    second = api(mediator()).post(
        url(round_), paper(a, identifier=" b-012", place="MAIRIE de quartier"), format="json"
    )
    assert second.status_code == 201 and second.json()["state"] == "counted"
    assert round_judges(round_) == 1 and round_tally(round_)[a] == [0, 0, 0, 0, 0, 1, 0]
    listing = api(staff()).get(url(round_)).json()
    assert listing["waiting"] == []
    assert listing["places"] == [{"place": "Mairie de quartier", "count": 1}]


def test_a_disagreeing_second_typing_is_refused_and_stores_nothing(judged):
    round_, a = judged
    api(mediator()).post(url(round_), paper(a), format="json")
    refused = api(mediator()).post(url(round_), paper(a, grades={SQ: 2, a: 6}), format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "paper_ballot_mismatch" and body["differences"] == [a]
    assert "ne concorde pas" in body["detail"]
    assert PaperBallotEntry.objects.count() == 1 and Ballot.objects.count() == 0


def test_the_same_mediator_twice_and_a_counted_number_are_refused(judged):
    round_, a = judged
    by = mediator()
    api(by).post(url(round_), paper(a), format="json")
    again = api(by).post(url(round_), paper(a), format="json")
    assert again.status_code == 409 and "autre médiateur·rice" in again.json()["detail"]
    api(mediator()).post(url(round_), paper(a), format="json")
    reused = api(mediator()).post(url(round_), paper(a), format="json")
    assert reused.status_code == 409 and "déjà compté" in reused.json()["detail"]
    assert Ballot.objects.count() == 1


def test_the_waiting_list_never_shows_grades(judged):
    round_, a = judged
    api(mediator()).post(url(round_), paper(a), format="json")
    listing = api(mediator()).get(url(round_))
    assert listing.status_code == 200
    (waiting,) = listing.json()["waiting"]
    assert waiting["identifier"] == "B-012" and waiting["state"] == "waiting"
    assert set(waiting) == {
        "id", "round", "identifier", "place", "voted_on", "voter_label", "state", "entered_by",
        "entered_at",
    }  # fmt: skip


def test_a_misread_typing_is_withdrawn_then_typed_afresh(judged):
    round_, a = judged
    by = mediator()
    entry = api(by).post(url(round_), paper(a, grades={SQ: 0, a: 0}), format="json").json()
    assert api(mediator()).post(f"/api/v1/paper-ballots/{entry['id']}/withdraw/").status_code == (
        403
    )
    done = api(by).post(f"/api/v1/paper-ballots/{entry['id']}/withdraw/")
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    assert api(by).post(f"/api/v1/paper-ballots/{entry['id']}/withdraw/").status_code == 409
    api(by).post(url(round_), paper(a), format="json")
    assert api(mediator()).post(url(round_), paper(a), format="json").json()["state"] == "counted"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("member", 403),
        ("moderator", 403),
        ("official", 403),
        ("mediator", 201),
        ("staff", 201),
    ],
)
def test_who_may_type(judged, who, status):
    round_, a = judged
    make = {
        "anonymous": lambda: None,
        "citizen": UserFactory,
        "member": lambda: round_.sheet.workspace.memberships.first().user,
        "moderator": lambda: UserFactory(platform_role=PlatformRole.MODERATOR),
        "official": lambda: UserFactory(platform_role=PlatformRole.OFFICIAL),
        "mediator": mediator,
        "staff": staff,
    }[who]
    client = api(make())
    assert client.post(url(round_), paper(a), format="json").status_code == status
    assert client.get(url(round_)).status_code == (200 if status == 201 else status)
    assert PaperBallotEntry.objects.count() == (1 if status == 201 else 0)


def test_a_round_one_may_not_see_is_not_found():
    sheet = SheetFactory(stage="consultation")
    round_ = to_judgment(open_round(sheet))
    sheet.workspace.visibility = "private"
    sheet.workspace.save(update_fields=["visibility"])
    client = api(mediator())
    assert client.get(url(round_)).status_code == 404
    assert client.post(url(round_), paper("1"), format="json").status_code == 404
    assert api(mediator()).post("/api/v1/rounds/999999/paper-ballots/", {}).status_code == 404


def test_outside_the_judgment_it_is_refused():
    round_ = open_round()
    amendment = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Mieux.", base_version=1
    )
    response = api(mediator()).post(url(round_), paper(str(amendment.pk)), format="json")
    assert response.status_code == 409 and PaperBallotEntry.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        {"declared_no_online_ballot": False},
        {"declared_no_online_ballot": None},
        {"identifier": ""},
        {"identifier": "x" * 41},
        {"identifier": "x" * 5000},
        {"place": "  "},
        {"voter_label": ""},
        {"voter_label": "y" * 41},
        {"voted_on": "2026-02-30"},
        {"voted_on": "1990-01-01"},
        {"voted_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
        {"voted_on": 20261130},
        {"grades": {}},
        {"grades": {SQ: 2}},
        {"grades": {SQ: 2, "x": 3}},
        {"grades": {SQ: 7, "A": 1}},
        {"grades": {SQ: -1, "A": 1}},
        {"grades": {SQ: "bien", "A": 1}},
        {"grades": {SQ: 2**70, "A": 1}},
        {"grades": [2, 5]},
        {"grades": "2,5"},
        {"grades": {str(n): 1 for n in range(3000)}},
        {"identifier": "B\x00-1"},
        {"identifier": ["B-1"]},
        {"place": {"a": 1}},
    ],
)
def test_hostile_input_answers_400_and_stores_nothing(judged, change):
    round_, a = judged
    body = paper(a)
    if "grades" in change and isinstance(change["grades"], dict) and "A" in change["grades"]:
        change = {"grades": {k if k != "A" else a: v for k, v in change["grades"].items()}}
    body.update(change)
    response = api(mediator()).post(url(round_), body, format="json")
    assert response.status_code == 400, response.content
    assert PaperBallotEntry.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [b"", b"[]", b"null", b'"texte"', b"{", b'{"grades": {"a": {"b": 1}}}', b"\xff\xfe"],
)
def test_malformed_bodies_answer_400(judged, raw):
    round_, _a = judged
    client = api(mediator())
    response = client.generic("POST", url(round_), raw, content_type="application/json")
    assert response.status_code == 400
    assert PaperBallotEntry.objects.count() == 0


def test_the_endpoints_are_in_the_schema():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/rounds/{id}/paper-ballots/"]["post"]
    assert {"201", "400", "403", "409"} <= set(post["responses"])
    assert "/api/v1/paper-ballots/{id}/withdraw/" in schema["paths"]
