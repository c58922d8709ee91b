"""The amendments part of the API contract (../shared/API.md): paths, verbs, statuses, fields."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amendments.models import AmendmentRound
from projects.models import Stage

from ..conftest import client_for
from ..factories import SheetFactory, UserFactory, WorkspaceFactory
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db


def windows(days=(3, 6)):
    now = timezone.now()
    return {
        "submission_ends": (now + datetime.timedelta(days=days[0])).isoformat(),
        "judgment_ends": (now + datetime.timedelta(days=days[1])).isoformat(),
    }


def test_open_a_round_only_in_consultation_and_only_one():
    sheet = SheetFactory(stage=Stage.INITIATIVE)
    agent = staff()
    url = f"/api/v1/sheets/{sheet.pk}/rounds/"
    assert client_for(agent).post(url, windows(), format="json").status_code == 409
    type(sheet).objects.filter(pk=sheet.pk).update(stage=Stage.CONSULTATION)
    citizen = client_for(UserFactory()).post(url, windows(), format="json")
    assert citizen.status_code == 403
    assert client_for(None).post(url, windows(), format="json").status_code == 401
    created = client_for(agent).post(url, {**windows(), "min_grade": 4, "quorum": 2}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert {
        "id",
        "sheet",
        "state",
        "submission_ends",
        "judgment_ends",
        "min_grade",
        "quorum",
        "candidates",
    } <= set(body)
    assert (body["state"], body["min_grade"], body["quorum"]) == ("submission", 4, 2)
    assert client_for(agent).post(url, windows(), format="json").status_code == 409
    official = UserFactory(platform_role="official")
    assert client_for(official).post(url, windows(), format="json").status_code == 409
    listed = client_for(None).get(url).json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]


def test_bad_windows_and_settings_are_refused():
    sheet = SheetFactory(stage=Stage.CONSULTATION)
    url = f"/api/v1/sheets/{sheet.pk}/rounds/"
    agent = client_for(staff())
    past = windows(days=(-1, 3))
    reversed_ = windows(days=(5, 2))
    for body in (past, reversed_, {**windows(), "min_grade": 7}, {**windows(), "quorum": 0}):
        assert agent.post(url, body, format="json").status_code == 400, body
    assert not AmendmentRound.objects.exists()


def test_propose_withdraw_judge_and_read_results():
    round_ = open_round()
    sheet = round_.sheet
    author = UserFactory()
    url = f"/api/v1/sheets/{sheet.pk}/amendments/"
    proposal = {
        "field": "summary",
        "text": "Un résumé amendé.",
        "base_version": 1,
        "rationale": "Plus clair.",
    }
    assert client_for(None).post(url, proposal, format="json").status_code == 401
    created = client_for(author).post(url, proposal, format="json")
    assert created.status_code == 201, created.content
    amendment = created.json()
    assert {"id", "field", "base_version", "text", "rationale", "author", "state", "round"} <= set(
        amendment
    )
    assert amendment["state"] == "submitted" and amendment["base_version"] == 1
    assert any(op["op"] == "insert" for op in amendment["diff"])
    for bad in (
        {**proposal, "field": "title"},
        {**proposal, "field": "calendar_start"},
        {**proposal, "base_version": 99},
        {**proposal, "text": "Un résumé de départ."},  # unchanged
        {**proposal, "rationale": "x" * 1001},
    ):
        assert client_for(author).post(url, bad, format="json").status_code == 400, bad
    other = (
        client_for(UserFactory())
        .post(url, {**proposal, "text": "Encore un autre résumé."}, format="json")
        .json()
    )
    assert (
        client_for(UserFactory()).post(f"/api/v1/amendments/{other['id']}/withdraw/").status_code
        == 403
    )
    assert client_for(author).get(f"/api/v1/amendments/{amendment['id']}/").status_code == 200
    detail = client_for(None).get(f"/api/v1/rounds/{round_.pk}/").json()
    ids = [c["id"] for c in detail["candidates"]]
    assert ids == ["status_quo:summary", str(amendment["id"]), str(other["id"])]
    judge = client_for(UserFactory())
    ballot_url = f"/api/v1/rounds/{round_.pk}/ballot/"
    full = {"grades": {ids[0]: 2, ids[1]: 5, ids[2]: 3}}
    assert judge.put(ballot_url, full, format="json").status_code == 409  # not judging yet
    assert client_for(None).get(f"/api/v1/rounds/{round_.pk}/results/").status_code == 409
    to_judgment(round_)
    assert client_for(author).post(url, proposal, format="json").status_code == 409
    assert (
        client_for(author).post(f"/api/v1/amendments/{amendment['id']}/withdraw/").status_code
        == 409
    )
    assert judge.put(ballot_url, {"grades": {ids[0]: 2}}, format="json").status_code == 400
    assert (
        judge.put(ballot_url, {"grades": {**full["grades"], ids[1]: 9}}, format="json").status_code
        == 400
    )
    assert judge.put(ballot_url, full, format="json").status_code == 200
    assert judge.get(ballot_url).json()["grades"] == full["grades"]
    assert client_for(None).get(f"/api/v1/rounds/{round_.pk}/results/").status_code == 409
    closed = client_for(staff()).post(f"/api/v1/rounds/{round_.pk}/close/")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    results = client_for(None).get(f"/api/v1/rounds/{round_.pk}/results/").json()
    assert results["quorum_met"] is True
    first = results["results"][0]
    assert {"candidate", "majority_grade", "sign", "p", "q", "rank", "profile", "judges"} <= set(
        first
    )
    assert (first["candidate"], first["majority_grade"], first["profile"][5]) == (ids[1], 5, 1)
    assert judge.put(ballot_url, full, format="json").status_code == 409


def test_results_appear_once_the_window_ends_without_the_worker():
    round_ = to_judgment(open_round())
    AmendmentRound.objects.filter(pk=round_.pk).update(
        judgment_ends=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client_for(None).get(f"/api/v1/rounds/{round_.pk}/results/")
    assert response.status_code == 200
    assert AmendmentRound.objects.get(pk=round_.pk).state == "closed"


def test_a_private_sheets_rounds_are_hidden():
    private = WorkspaceFactory(visibility="private")
    sheet = SheetFactory(workspace=private, stage=Stage.CONSULTATION)
    from ..factories import member

    round_ = open_round(sheet, actor=UserFactory(is_superuser=True, is_staff=True))
    outsider = client_for(UserFactory())
    assert outsider.get(f"/api/v1/rounds/{round_.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/sheets/{sheet.pk}/amendments/").status_code == 404
    assert client_for(member(private)).get(f"/api/v1/rounds/{round_.pk}/").status_code == 200


def test_reject_needs_a_motivation_and_the_right_role():
    round_ = open_round()
    created = (
        client_for(UserFactory())
        .post(
            f"/api/v1/sheets/{round_.sheet.pk}/amendments/",
            {"field": "summary", "text": "Autre.", "base_version": 1},
            format="json",
        )
        .json()
    )
    url = f"/api/v1/amendments/{created['id']}/reject/"
    assert client_for(UserFactory()).post(url, {"motivation": "Non."}).status_code == 403
    assert client_for(staff()).post(url, {"motivation": ""}).status_code == 400
    done = client_for(staff()).post(url, {"motivation": "Hors du cadre de la concertation."})
    assert done.status_code == 200 and done.json()["state"] == "rejected"
    assert done.json()["motivation"] == "Hors du cadre de la concertation."
