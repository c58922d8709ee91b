"""API v1: checklist, attestations, transitions and history of a sheet."""

import pytest

from projects.models import ProjectSheet
from tests.conftest import client_for
from workflow.models import Attestation

from .factories import make_framing, make_ready, make_sheet

pytestmark = pytest.mark.django_db


def url(sheet, tail):
    return f"/api/v1/sheets/{sheet.pk}/{tail}"


@pytest.fixture
def ready_sheet(make_workspace):
    """Public sheet, initiative, everything done except the official's framing note."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    return sheet, actors


def test_checklist_is_public_on_a_public_sheet(ready_sheet):
    sheet, _ = ready_sheet
    response = client_for(None).get(url(sheet, "checklist/"))
    assert response.status_code == 200
    body = response.json()
    assert [s["stage"] for s in body] == ["initiative", "consultation", "realisation", "evaluation"]
    initiative = body[0]
    assert initiative["completeness"] == 100
    assert {"code", "label", "kind", "required", "satisfied"} <= set(initiative["items"][0])


def test_sheet_detail_carries_the_same_checklist_as_the_workflow_endpoint(ready_sheet):
    """GIVEN a sheet WHEN the projects API serves its detail THEN its "checklist" is the
    workflow app's summary (registered by workflow: projects does not import it)."""
    sheet, _ = ready_sheet
    client = client_for(None)
    detail = client.get(f"/api/v1/sheets/{sheet.pk}/").json()
    assert detail["checklist"] == client.get(url(sheet, "checklist/")).json()
    assert detail["checklist"][0]["completeness"] == 100


@pytest.mark.parametrize("tail", ["checklist/", "transitions/", "history/"])
@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("staff", 404),
        ("official", 404),
        ("reader", 200),
        ("owner", 200),
    ],
)
def test_private_workspace_sheet_is_404_for_non_members(make_workspace, tail, actor, status):
    workspace, actors = make_workspace(visibility="private")
    sheet = make_sheet(workspace=workspace)
    assert client_for(actors[actor]).get(url(sheet, tail)).status_code == status


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "staff"])
def test_private_sheet_writes_are_404_too(make_workspace, actor):
    workspace, actors = make_workspace(visibility="private")
    sheet = make_sheet(workspace=workspace, stage="consultation")
    client = client_for(actors[actor])
    expected = 401 if actor == "anonymous" else 404
    response = client.post(url(sheet, "transitions/abandon/"), {"note": "x"}, format="json")
    assert response.status_code == expected
    response = client.post(url(sheet, "checklist/plain_language/attestation/"))
    assert response.status_code == expected


def test_non_public_sheet_of_public_workspace_is_404_for_outsiders(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, is_public=False)
    assert client_for(actors["outsider"]).get(url(sheet, "checklist/")).status_code == 404
    assert client_for(actors["reader"]).get(url(sheet, "checklist/")).status_code == 200


def test_transition_gated_answers_409_with_missing_items(ready_sheet):
    sheet, actors = ready_sheet
    response = client_for(actors["staff"]).post(
        url(sheet, "transitions/open_consultation/"), {}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "checklist_incomplete"
    assert body["detail"]
    assert body["missing"] == [
        {"code": "framing_published", "label": "Une note de cadrage d'un·e élu·e est publiée"}
    ]


def test_transition_succeeds_after_framing_published(ready_sheet):
    sheet, actors = ready_sheet
    make_framing(sheet, author=actors["official"])
    response = client_for(actors["staff"]).post(
        url(sheet, "transitions/open_consultation/"), {"note": "Ouverture"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"stage": "consultation"}


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("reader", 403),
        ("contributor", 403),
        ("editor", 403),
        ("owner", 403),
        ("official", 403),
    ],
)
def test_transition_forbidden_roles(ready_sheet, actor, status):
    sheet, actors = ready_sheet
    make_framing(sheet)
    response = client_for(actors[actor]).post(
        url(sheet, "transitions/open_consultation/"), {}, format="json"
    )
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "transition_forbidden"


def test_note_required_is_400(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    response = client_for(actors["staff"]).post(
        url(sheet, "transitions/abandon/"), {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "note_required"


def test_unavailable_transition_is_409_and_unknown_is_404(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    client = client_for(actors["staff"])
    response = client.post(url(sheet, "transitions/archive/"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_unavailable"
    assert client.post(url(sheet, "transitions/explode/"), {}, format="json").status_code == 404


def test_transition_list_for_caller(ready_sheet):
    sheet, actors = ready_sheet
    staff = client_for(actors["staff"]).get(url(sheet, "transitions/")).json()
    by_name = {t["name"]: t for t in staff}
    assert set(by_name) == {"open_consultation", "abandon"}
    assert by_name["open_consultation"] == {
        "name": "open_consultation",
        "target": "consultation",
        "allowed": False,
        "permitted": True,
        "note_required": False,
        "missing": ["framing_published"],
    }
    assert by_name["abandon"]["allowed"] is True
    public = client_for(None).get(url(sheet, "transitions/")).json()
    assert {t["name"]: t["allowed"] for t in public} == {
        "open_consultation": False,
        "abandon": False,
    }
    assert {t["name"]: t["missing"] for t in public}["open_consultation"] == ["framing_published"]


def test_attest_and_withdraw_by_staff(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    client = client_for(actors["staff"])
    response = client.post(url(sheet, "checklist/plain_language/attestation/"))
    assert response.status_code == 201
    assert response.json()["attested_by"] == actors["staff"].display_name
    checklist = client.get(url(sheet, "checklist/")).json()
    item = next(i for i in checklist[0]["items"] if i["code"] == "plain_language")
    assert item["satisfied"] is True
    assert client.post(url(sheet, "checklist/plain_language/attestation/")).status_code == 409
    response = client.delete(url(sheet, "checklist/plain_language/attestation/"))
    assert response.status_code == 200
    assert response.json()["withdrawn_at"]
    assert client.delete(url(sheet, "checklist/plain_language/attestation/")).status_code == 409
    # History kept: one withdrawn row, none active.
    assert Attestation.objects.filter(sheet=sheet).count() == 1
    assert not Attestation.objects.filter(sheet=sheet, withdrawn_at__isnull=True).exists()
    # Attest again after a withdrawal: a new row.
    assert client.post(url(sheet, "checklist/plain_language/attestation/")).status_code == 201
    assert Attestation.objects.filter(sheet=sheet).count() == 2


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("reader", 403),
        ("editor", 403),
        ("owner", 403),
        ("official", 403),
        ("staff", 201),
    ],
)
def test_attestation_is_staff_only(make_workspace, actor, status):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    response = client_for(actors[actor]).post(url(sheet, "checklist/plain_language/attestation/"))
    assert response.status_code == status
    response = client_for(actors[actor]).delete(url(sheet, "checklist/plain_language/attestation/"))
    assert response.status_code == {201: 200}.get(status, status)


def test_attestation_of_computed_or_unknown_item(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    client = client_for(actors["staff"])
    response = client.post(url(sheet, "checklist/summary_length/attestation/"))
    assert response.status_code == 400
    assert response.json()["code"] == "not_attestable"
    assert client.post(url(sheet, "checklist/nope/attestation/")).status_code == 404
    # A computed item flagged attestable (restitution published elsewhere) accepts it, once the
    # project has reached its stage (realisation): not before (issue 11, item 6).
    early = client.post(url(sheet, "checklist/restitution_document/attestation/"))
    assert early.status_code == 409 and early.json()["code"] == "stage_not_reached"
    assert "« Réalisation »" in early.json()["detail"]
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="realisation")
    assert client.post(url(sheet, "checklist/restitution_document/attestation/")).status_code == 201


def test_history_lists_transitions_and_activity(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    client = client_for(actors["staff"])
    client.post(url(sheet, "checklist/plain_language/attestation/"))
    client.post(url(sheet, "transitions/step_back/"), {"note": "Cadrage à revoir"}, format="json")
    body = client_for(None).get(url(sheet, "history/")).json()
    assert len(body["transitions"]) == 1
    log = body["transitions"][0]
    assert (log["name"], log["from_stage"], log["to_stage"], log["note"], log["version"]) == (
        "step_back",
        "consultation",
        "initiative",
        "Cadrage à revoir",
        1,
    )
    verbs = [a["verb"] for a in body["activity"]]
    assert "sheet.step_back" in verbs and "checklist.attested" in verbs


def test_checklist_api_query_count_is_bounded(ready_sheet, django_assert_max_num_queries):
    sheet, _ = ready_sheet
    client = client_for(None)
    client.get(url(sheet, "checklist/"))
    with django_assert_max_num_queries(4):
        client.get(url(sheet, "checklist/"))
