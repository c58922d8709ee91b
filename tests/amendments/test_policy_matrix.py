"""Who may see rounds, propose, judge and steer: every role × round state × workspace
visibility, through the API; and who may open a round × sheet stage. Expectations are written
by hand from the rules."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import PlatformRole
from amendments.models import AmendmentRound
from amendments.services import amendment_submit, round_close, round_open
from projects.models import Stage

from ..conftest import client_for
from ..factories import SheetFactory, UserFactory
from .factories import to_judgment

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "reader",
    "editor",
    "owner",
    "staff",
    "official",
    "other_official",
    "superuser",
]
MEMBERS = {"reader", "editor", "owner", "official"}  # the round's official is a member here
STATES = ["submission", "judgment", "closed"]


def world(make_workspace, visibility: str, state: str):
    workspace, actors = make_workspace(visibility=visibility)
    actors["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    actors["other_official"] = UserFactory(platform_role=PlatformRole.OFFICIAL)
    from workspace.models import Membership

    Membership.objects.create(workspace=workspace, user=actors["official"], role="reader")
    sheet = SheetFactory(workspace=workspace, author=actors["owner"], stage=Stage.CONSULTATION)
    now = timezone.now()
    round_ = round_open(
        actor=actors["official"],
        sheet=sheet,
        submission_ends=now + datetime.timedelta(days=2),
        judgment_ends=now + datetime.timedelta(days=4),
    )
    amendment = amendment_submit(
        actor=actors["owner"], sheet=sheet, field="summary", text="Autre.", base_version=1
    )
    if state in {"judgment", "closed"}:
        round_ = to_judgment(round_)
    if state == "closed":
        round_close(actor=None, round_=round_)
    return sheet, round_, amendment, actors


def sees(role: str, visibility: str) -> bool:
    return visibility == "public" or role in MEMBERS or role == "superuser"


def steers(role: str) -> bool:
    return role in {"staff", "official", "superuser"}


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("state", STATES)
def test_view_propose_judge_steer(make_workspace, visibility, state):
    sheet, round_, amendment, actors = world(make_workspace, visibility, state)
    problems = []
    for role in ROLES:
        client = client_for(actors.get(role))
        visible = sees(role, visibility)
        got = client.get(f"/api/v1/rounds/{round_.pk}/").status_code
        if got != (200 if visible else 404):
            problems.append(f"{role} view {got}")
        got = client.post(
            f"/api/v1/sheets/{sheet.pk}/amendments/",
            {"field": "body", "text": f"Corps de {role}.", "base_version": 1},
            format="json",
        ).status_code
        want = (
            401
            if role == "anonymous"
            else 404
            if not visible
            else (201 if state == "submission" else 409)
        )
        if got != want:
            problems.append(f"{role} propose {got} != {want}")
        candidates = [
            c["id"]
            for c in client_for(actors["superuser"])
            .get(f"/api/v1/rounds/{round_.pk}/")
            .json()["candidates"]
        ]
        got = client.put(
            f"/api/v1/rounds/{round_.pk}/ballot/",
            {"grades": dict.fromkeys(candidates, 3)},
            format="json",
        ).status_code
        want = (
            401
            if role == "anonymous"
            else 404
            if not visible
            else (200 if state == "judgment" else 409)
        )
        if got != want:
            problems.append(f"{role} judge {got} != {want}")
    for role in ROLES:
        client = client_for(actors.get(role))
        visible = sees(role, visibility)
        current = AmendmentRound.objects.get(pk=round_.pk).state
        got = client.post(f"/api/v1/rounds/{round_.pk}/close/").status_code
        want = (
            401
            if role == "anonymous"
            else 404
            if not visible
            else (403 if not steers(role) else 200 if current != "closed" else 409)
        )
        if got != want:
            problems.append(f"{role} close {got} != {want}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("stage", [*Stage.values])
def test_who_opens_a_round_at_each_stage(make_workspace, stage):
    workspace, actors = make_workspace(visibility="public")
    sheet = SheetFactory(workspace=workspace, author=actors["owner"], stage=stage)
    now = timezone.now()
    body = {
        "submission_ends": (now + datetime.timedelta(days=2)).isoformat(),
        "judgment_ends": (now + datetime.timedelta(days=4)).isoformat(),
    }
    opened = False
    for role in ["anonymous", "outsider", "owner", "official", "staff"]:
        got = (
            client_for(actors.get(role))
            .post(f"/api/v1/sheets/{sheet.pk}/rounds/", body, format="json")
            .status_code
        )
        if role == "anonymous":
            want = 401
        elif role in {"outsider", "owner"}:
            want = 403
        elif stage != Stage.CONSULTATION or opened:
            want = 409  # not in consultation, or one round is open already
        else:
            want, opened = 201, True
        assert got == want, (role, stage, got)
    assert AmendmentRound.objects.filter(sheet=sheet).count() == (stage == Stage.CONSULTATION)
