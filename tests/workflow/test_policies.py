"""The workflow's rules as policy terms: actions on the sheet's policy (transition, guard,
attest) and the policies of the transition log and the attestations, as visible as their sheet."""

from __future__ import annotations

import pytest

from accounts.models import User
from projects.permissions import SHEET_POLICY
from workflow.errors import AttestationNotAllowed
from workflow.models import Attestation, TransitionLog
from workflow.permissions import ATTESTATION_POLICY, TRANSITION_LOG_POLICY, may_guard, may_steer
from workflow.services import attestation_create, attestation_withdraw, sheet_transition

from .factories import make_sheet

pytestmark = pytest.mark.django_db


def test_owner_of_a_granted_institution_steers_but_does_not_guard(make_workspace):
    workspace, actors = make_workspace(kind="institution")
    sheet = make_sheet(workspace=workspace)
    assert may_steer(actors["owner"], sheet) and not may_guard(actors["owner"], sheet)
    assert may_steer(actors["staff"], sheet) and may_guard(actors["staff"], sheet)
    assert not may_steer(actors["editor"], sheet)
    steerable = SHEET_POLICY.visible(actors["owner"]).filter(
        SHEET_POLICY.q(actors["owner"], "transition")
    )
    assert list(steerable) == [sheet]


def test_a_grant_by_staff_who_left_carries_no_right(make_workspace):
    workspace, actors = make_workspace(kind="institution")
    sheet = make_sheet(workspace=workspace)
    User.objects.filter(pk=actors["staff"].pk).update(is_active=False)
    owner = User.objects.get(pk=actors["owner"].pk)
    sheet.workspace.refresh_from_db()
    assert not SHEET_POLICY.check(owner, sheet, "transition")
    assert not SHEET_POLICY.visible(owner).filter(SHEET_POLICY.q(owner, "transition")).exists()


def test_staff_act_only_on_the_sheets_they_see(make_workspace):
    """GIVEN a sheet of a private workspace staff are not members of
    WHEN staff attest through the service THEN it is refused: acting needs seeing."""
    workspace, actors = make_workspace(visibility="private")
    sheet = make_sheet(workspace=workspace)
    with pytest.raises(AttestationNotAllowed):
        attestation_create(actor=actors["staff"], sheet=sheet, code="plain_language")
    assert not Attestation.objects.exists()


def test_log_and_attestations_are_as_visible_as_their_sheet(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation", is_public=False)
    # An agent who is also a member: the sheet is not public, so staff alone would not see it.
    agent = actors["owner"]
    agent.platform_role = "staff"
    agent.save(update_fields=["platform_role"])
    attestation_create(actor=agent, sheet=sheet, code="plain_language")
    attestation_withdraw(actor=agent, sheet=sheet, code="plain_language")
    sheet_transition(actor=agent, sheet=sheet, name="abandon", note="Faute de moyens.")
    for policy, model in (
        (TRANSITION_LOG_POLICY, TransitionLog),
        (ATTESTATION_POLICY, Attestation),
    ):
        row = model.objects.get()
        # A withdrawn attestation stays on record for whoever sees the sheet.
        assert policy.check(actors["reader"], row) and policy.visible(actors["reader"]).count() == 1
        assert not policy.check(actors["outsider"], row)
        assert not policy.visible(actors["outsider"]).exists()
        assert not policy.visible(None).exists()
