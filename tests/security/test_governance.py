"""Workflow governance: an owner cannot make their workspace an institution (API, web form, at
creation), and the institution-owner transitions count only for a status granted by staff who
are still active staff. The escalation path is tested end to end over the API."""

import pytest
from django.urls import reverse

from accounts.models import PlatformRole
from accounts.services import user_set_active, user_set_platform_role
from projects.models import ProjectSheet
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.workflow.factories import make_framing, make_ready, make_sheet
from workflow.permissions import can_run_transition
from workspace.models import Workspace
from workspace.permissions import institution_is_granted
from workspace.services import workspace_set_institution

pytestmark = pytest.mark.django_db


def _ready_sheet(workspace, official):
    """A sheet that may open its consultation: only the rule on who acts stands in the way."""
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    make_framing(sheet, author=official)
    return sheet


def _transition(user, sheet):
    return client_for(user).post(
        f"/api/v1/sheets/{sheet.pk}/transitions/open_consultation/", {"note": "Go"}, format="json"
    )


def _state(workspace):
    return Workspace.objects.filter(pk=workspace.pk).values_list(
        "kind", "institution_granted_by", "description"
    )[0]


def test_escalation_path_owner_cannot_self_grant_then_run_transitions(make_workspace):
    """GIVEN the owner of a citizen group with a sheet ready to open its consultation
    WHEN they PATCH their workspace's kind to institution, then run the transition
    THEN both are refused and nothing changes."""
    workspace, actors = make_workspace(kind="citizen_group")
    sheet = _ready_sheet(workspace, actors["official"])
    owner = actors["owner"]
    before = _state(workspace)
    response = client_for(owner).patch(
        f"/api/v1/workspaces/{workspace.slug}/",
        {"kind": "institution", "description": "Nous sommes une institution"},
        format="json",
    )
    assert response.status_code == 403
    assert "statut d'institution" in response.json()["detail"]
    assert _state(workspace) == before
    assert _transition(owner, sheet).status_code == 403
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "initiative"


def test_citizen_cannot_create_an_institution_over_the_api(api_client):
    citizen = UserFactory()
    response = client_for(citizen).post(
        "/api/v1/workspaces/", {"name": "Mairie fictive", "kind": "institution"}, format="json"
    )
    assert response.status_code == 403
    assert "statut d'institution" in response.json()["detail"]
    assert not Workspace.objects.exists()


def test_citizen_cannot_create_or_switch_to_institution_in_the_web_form(client, make_workspace):
    workspace, actors = make_workspace(kind="citizen_group")
    client.force_login(actors["owner"])
    before = _state(workspace)
    response = client.post(
        reverse("workspace:edit", args=[workspace.slug]),
        {"name": workspace.name, "kind": "institution", "visibility": "public"},
    )
    assert response.status_code == 200
    assert "statut d&#x27;institution" in response.content.decode()
    assert _state(workspace) == before
    count = Workspace.objects.count()
    response = client.post(
        reverse("workspace:create"),
        {"name": "Mairie fictive", "kind": "institution", "visibility": "public"},
    )
    assert response.status_code == 200
    assert "statut d&#x27;institution" in response.content.decode()
    assert Workspace.objects.count() == count


def test_staff_create_an_institution_and_the_grant_names_them():
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    response = client_for(staff).post(
        "/api/v1/workspaces/", {"name": "Service voirie", "kind": "institution"}, format="json"
    )
    assert response.status_code == 201
    workspace = Workspace.objects.get(slug=response.json()["slug"])
    assert workspace.institution_granted_by == staff
    assert workspace.institution_granted_at is not None
    assert institution_is_granted(workspace)


@pytest.mark.parametrize(
    ("grant", "allowed"),
    [
        ("forged", False),  # kind written without any grant (a raw UPDATE, an old row)
        ("granted_by_citizen", False),  # a grant recorded for someone who is not staff
        ("granted_by_deactivated_staff", False),
        ("granted_by_demoted_staff", False),
        ("granted_by_staff", True),
    ],
)
def test_institution_transitions_check_who_granted_the_status(make_workspace, grant, allowed):
    workspace, actors = make_workspace(kind="citizen_group")
    sheet = _ready_sheet(workspace, actors["official"])
    grantor = UserFactory(platform_role=PlatformRole.STAFF)
    if grant == "forged":
        Workspace.objects.filter(pk=workspace.pk).update(kind="institution")
    elif grant == "granted_by_citizen":
        Workspace.objects.filter(pk=workspace.pk).update(
            kind="institution", institution_granted_by=UserFactory()
        )
    else:
        workspace_set_institution(actor=grantor, workspace=workspace, granted=True)
        root = UserFactory(is_superuser=True)
        if grant == "granted_by_deactivated_staff":
            user_set_active(actor=root, user=grantor, active=False)
        elif grant == "granted_by_demoted_staff":
            user_set_platform_role(actor=root, user=grantor, role=PlatformRole.CITIZEN)
    sheet = ProjectSheet.objects.select_related("workspace").get(pk=sheet.pk)
    assert sheet.workspace.kind == "institution"
    owner = actors["owner"]
    assert can_run_transition(owner, sheet, "open_consultation") is allowed
    response = _transition(owner, sheet)
    assert response.status_code == (200 if allowed else 403)
    stage = ProjectSheet.objects.get(pk=sheet.pk).stage
    assert stage == ("consultation" if allowed else "initiative")


def test_only_staff_grant_or_withdraw_the_status(make_workspace):
    from workspace.errors import WorkspacePermissionDenied

    workspace, actors = make_workspace(kind="citizen_group")
    for role in ("owner", "official", "outsider"):
        with pytest.raises(WorkspacePermissionDenied):
            workspace_set_institution(actor=actors[role], workspace=workspace, granted=True)
    assert _state(workspace)[0] == "citizen_group"
    workspace_set_institution(actor=actors["staff"], workspace=workspace, granted=True)
    with pytest.raises(WorkspacePermissionDenied):
        workspace_set_institution(actor=actors["owner"], workspace=workspace, granted=False)
    assert _state(workspace)[:2] == ("institution", actors["staff"].pk)


def test_owner_may_drop_the_status_but_not_take_it_back(make_workspace):
    workspace, actors = make_workspace(kind="institution")
    client = client_for(actors["owner"])
    url = f"/api/v1/workspaces/{workspace.slug}/"
    assert client.patch(url, {"kind": "citizen_group"}, format="json").status_code == 200
    assert _state(workspace)[:2] == ("citizen_group", None)
    assert client.patch(url, {"kind": "institution"}, format="json").status_code == 403
    assert _state(workspace)[:2] == ("citizen_group", None)


def test_an_institution_keeps_its_kind_when_its_owner_edits_other_fields(make_workspace):
    workspace, actors = make_workspace(kind="institution")
    response = client_for(actors["owner"]).patch(
        f"/api/v1/workspaces/{workspace.slug}/",
        {"kind": "institution", "description": "Mise à jour"},
        format="json",
    )
    assert response.status_code == 200
    assert _state(workspace) == ("institution", actors["staff"].pk, "Mise à jour")


def test_demo_institution_is_granted_by_staff_and_its_owner_may_steer():
    from accounts.demo import seed as seed_accounts
    from workspace.demo import seed as seed_workspaces

    seed_accounts()
    seed_workspaces()
    seed_workspaces()  # idempotent
    workspace = Workspace.objects.get(slug="service-mobilite-ems")
    assert workspace.kind == "institution"
    assert workspace.institution_granted_by.email == "agent@demo.fabrique.test"
    assert institution_is_granted(workspace)
    owner = workspace.memberships.get(role="owner").user
    sheet = make_sheet(workspace=workspace, complete=True)
    assert can_run_transition(owner, sheet, "open_consultation")
