"""Who may run stage transitions, attest checklist items and see the staff board.

Declared as policy terms on the sheet (`SHEET_POLICY`, extended here: the projects app sits
below this one) and as policies of the workflow's own rows. The stage table
(`workflow.machine`) names, for each transition, which rule decides; views, the API and the
services all ask it.

- Staff agents (and superusers) run every transition and attest items.
- The owner of an *institution* workspace runs the forward transitions of its own sheets
  (an institutional service steers its own projects), never abandon, step_back or archive,
  which stay with staff as the guardians of the public record. The institution status counts
  only when it was granted by someone who is still active staff (`institution_granted_by`):
  an owner cannot give it to themselves (workspace.services refuses it), and a row edited
  by other means, or a grant by someone who has since left staff, carries no right.
- Nobody else, whatever their workspace role or platform role.
- Acting on a sheet needs seeing it (`policies`): a transition or an attestation is
  judged only on a sheet the user may see.

The transition log and the attestations are as visible as their sheet, withdrawn attestations
included: the log's notes are public by design, and who attested what stays on record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from accounts.models import PlatformRole
from policies import (
    NO_ROWS,
    Policy,
    Predicate,
    active,
    platform_role,
    policy_register,
    through,
)
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from workspace.models import Membership, Role, Workspace
from workspace.permissions import institution_is_granted, workspace_role

from .models import Attestation, TransitionLog

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

WORKFLOW_STAFF = platform_role("is_platform_staff")


def _owns_granted_institution(user: Any, obj: Any, policy: Policy) -> bool:
    if not active(user):
        return False
    workspace = policy.workspace_of(obj)
    # The grant is checked last: it loads the granting account, only for institution owners.
    return (
        workspace is not None
        and workspace_role(user, workspace) == Role.OWNER
        and institution_is_granted(workspace)
    )


def _granted_institutions_owned(user: Any, policy: Policy, prefix: str) -> Q:
    if not active(user):
        return NO_ROWS
    workspace = policy.workspace_prefix(prefix)
    grantor = f"{workspace}institution_granted_by__"
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("workspace_id")
    return (
        Q(**{f"{workspace}id__in": owned, f"{workspace}kind": Workspace.Kind.INSTITUTION})
        & Q(**{f"{grantor}is_active": True})
        & (
            Q(**{f"{grantor}is_superuser": True})
            | Q(**{f"{grantor}platform_role": PlatformRole.STAFF})
        )
    )


INSTITUTION_OWNER = Predicate(
    "owner of a granted institution", _owns_granted_institution, _granted_institutions_owned
)

SHEET_POLICY.extend(
    # The forward transitions (the stage table's `may_steer`); each transition's own rule in
    # the table narrows it (`can_run_transition`).
    transition=WORKFLOW_STAFF | INSTITUTION_OWNER,
    # archive, abandon and step_back (`may_guard`): the guardians of the public record.
    guard=WORKFLOW_STAFF,
    attest=WORKFLOW_STAFF,
)


def _as_visible_as_its_sheet(model: type[TransitionLog | Attestation]) -> Policy:
    return policy_register(
        Policy(
            model, workspace_path="sheet__workspace", rules={"view": through("sheet", SHEET_POLICY)}
        )
    )


TRANSITION_LOG_POLICY = _as_visible_as_its_sheet(TransitionLog)
ATTESTATION_POLICY = _as_visible_as_its_sheet(Attestation)


def is_workflow_staff(user: User | AnonymousUser) -> bool:
    return bool(WORKFLOW_STAFF.test(user, None, SHEET_POLICY))


def may_steer(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """The forward transitions' rule: staff, or the owner of the sheet's institution workspace."""
    return SHEET_POLICY.check(user, sheet, "transition")


def may_guard(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """archive, abandon and step_back: staff only, as the guardians of the public record."""
    return SHEET_POLICY.check(user, sheet, "guard")


def can_run_transition(user: User | AnonymousUser, sheet: ProjectSheet, name: str) -> bool:
    """The rule the stage table (`workflow.machine`) gives transition `name`; False if unknown."""
    # Imported here: the table names its rules from this module.
    from .machine import SHEET_STAGES

    return SHEET_STAGES.may(user, sheet, name)


def can_attest(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return SHEET_POLICY.check(user, sheet, "attest")


def can_view_board(user: User | AnonymousUser) -> bool:
    return is_workflow_staff(user)
