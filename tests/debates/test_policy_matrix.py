"""Who may see, comment on and close a debate: every role × action × debate state × workspace
visibility × where the debate lives, through the API (statuses as ../shared/API.md fixes them).

Expectations are written by hand from the rules, not read from the policy under test."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import PlatformRole
from debates.models import Debate
from debates.services import debate_close, debates_archive_for_sheet
from workspace.models import Role

from ..conftest import client_for
from ..factories import SheetFactory, UserFactory, member
from .factories import comment, debate

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "reader",
    "contributor",
    "editor",
    "owner",
    "staff",
    "official",
    "moderator",
    "superuser",
    "author",
]
MEMBER_ROLES = {"reader", "contributor", "editor", "owner", "author"}
STATES = ["open", "closed", "archived"]
PLACES = ["sheet", "workspace", "theme"]
VISIBILITIES = ["public", "private"]


def _world(make_workspace, visibility: str, place: str, state: str):
    workspace, actors = make_workspace(visibility=visibility)
    actors["moderator"] = UserFactory(platform_role=PlatformRole.MODERATOR)
    actors["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    actors["author"] = member(workspace, Role.CONTRIBUTOR) if place != "theme" else UserFactory()
    sheet = SheetFactory(workspace=workspace, author=actors["owner"]) if place == "sheet" else None
    d = debate(
        author=actors["author"],
        sheet=sheet,
        workspace=workspace if place == "workspace" else None,
    )
    comment(d, author=actors["superuser"], body="Premier message.")
    if state in {"closed", "archived"}:
        debate_close(actor=actors["author"], debate=d, synthesis="Synthèse : " + "retenu " * 10)
    if state == "archived":
        if sheet is not None:
            debates_archive_for_sheet(sheet=sheet)
        else:
            from debates.machine import DEBATE_STATES
            from machines import machine_run

            d.refresh_from_db()
            machine_run(DEBATE_STATES, actor=None, obj=d, name="archive")
    d.refresh_from_db()
    assert d.state == state
    return d, actors


def sees(role: str, visibility: str, place: str) -> bool:
    if place == "theme" or visibility == "public":
        return True
    return role in MEMBER_ROLES or role == "superuser"


def may_close(role: str) -> bool:
    return role in {"author", "moderator", "staff", "superuser"}


# A debate about a theme lives in no workspace: it has one visibility (public).
WORLDS = [
    (visibility, place, state)
    for visibility in VISIBILITIES
    for place in PLACES
    for state in STATES
    if not (place == "theme" and visibility == "private")
]


@pytest.mark.parametrize(("visibility", "place", "state"), WORLDS)
def test_view_comment_close_matrix(make_workspace, visibility, place, state):
    d, actors = _world(make_workspace, visibility, place, state)
    problems = []
    for role in ROLES:
        client = client_for(actors.get(role))
        visible = sees(role, visibility, place)
        # read: the debate, its messages, and whether the list shows it
        got = client.get(f"/api/v1/debates/{d.pk}/").status_code
        want = 200 if visible else 404
        listed = d.pk in [x["id"] for x in client.get("/api/v1/debates/").json()["results"]]
        comments = client.get(f"/api/v1/debates/{d.pk}/comments/").status_code
        if (got, listed, comments) != (want, visible, want):
            problems.append(f"{role} read: {got}, listed {listed}, comments {comments}")
        # write a message
        with override_settings(FABRIQUE_COMMENTS_PER_WINDOW=1000):
            got = client.post(
                f"/api/v1/debates/{d.pk}/comments/", {"body": "Mon avis."}, format="json"
            ).status_code
        if role == "anonymous":
            want = 401
        elif not visible:
            want = 404
        else:
            want = 201 if state == "open" else 409
        if got != want:
            problems.append(f"{role} comment: {got} != {want}")
    for role in ROLES:
        client = client_for(actors.get(role))
        visible = sees(role, visibility, place)
        # close it (the synthesis is valid): the first who may closes it, the next get 409
        still_open = Debate.objects.get(pk=d.pk).state == "open"
        got = client.post(
            f"/api/v1/debates/{d.pk}/close/",
            {"synthesis": "Nous retiendrons " + "ceci " * 12},
            format="json",
        ).status_code
        if role == "anonymous":
            want = 401
        elif not visible:
            want = 404
        elif not may_close(role):
            want = 403
        else:
            want = 200 if still_open else 409
        if got != want:
            problems.append(f"{role} close: {got} != {want}")
    assert not problems, "\n".join(problems)
