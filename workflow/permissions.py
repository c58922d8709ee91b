"""Who may run stage transitions, attest checklist items and see the staff board.

The stage table (`workflow.machine`) names, for each transition, which of the rules below
decides; views, the API and the transition service all ask it.

- Staff agents (and superusers) run every transition and attest items.
- The owner of an *institution* workspace runs the forward transitions of its own sheets
  (an institutional service steers its own projects), never abandon, step_back or archive,
  which stay with staff as the guardians of the public record. The institution status counts
  only when it was granted by someone who is still active staff (`institution_granted_by`):
  an owner cannot give it to themselves (workspace.services refuses it), and a row edited
  by other means, or a grant by someone who has since left staff, carries no right.
- Nobody else, whatever their workspace role or platform role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from projects.models import ProjectSheet
from workspace.models import Role
from workspace.permissions import institution_is_granted, workspace_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_workflow_staff(user: User | AnonymousUser) -> bool:
    return _active(user) and bool(getattr(user, "is_platform_staff", False))


def may_steer(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """The forward transitions' rule: staff, or the owner of the sheet's institution workspace."""
    if is_workflow_staff(user):
        return True
    if not _active(user):
        return False
    workspace = sheet.workspace
    # The grant is checked last: it loads the granting account, only for institution owners.
    return workspace_role(user, workspace) == Role.OWNER and institution_is_granted(workspace)


def may_guard(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """archive, abandon and step_back: staff only, as the guardians of the public record."""
    return is_workflow_staff(user)


def can_run_transition(user: User | AnonymousUser, sheet: ProjectSheet, name: str) -> bool:
    """The rule the stage table (`workflow.machine`) gives transition `name`; False if unknown."""
    # Imported here: the table names its rules from this module.
    from .machine import SHEET_STAGES

    return SHEET_STAGES.may(user, sheet, name)


def can_attest(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return is_workflow_staff(user)


def can_view_board(user: User | AnonymousUser) -> bool:
    return is_workflow_staff(user)
