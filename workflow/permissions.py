"""Who may run stage transitions, attest checklist items and see the staff board.

django-fsm's `permission=` is advisory, so these rules are the gate: views, the API and the
transition service all ask them.

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

TRANSITIONS = (
    "open_consultation",
    "start_realisation",
    "start_evaluation",
    "archive",
    "abandon",
    "step_back",
)
# Leaving a stage forward requires that stage's checklist (see workflow.checklist).
GATED_TRANSITIONS = frozenset(
    {"open_consultation", "start_realisation", "start_evaluation", "archive"}
)
INSTITUTION_OWNER_TRANSITIONS = frozenset(
    {"open_consultation", "start_realisation", "start_evaluation"}
)
NOTE_REQUIRED_TRANSITIONS = frozenset({"abandon", "step_back"})


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_workflow_staff(user: User | AnonymousUser) -> bool:
    return _active(user) and bool(getattr(user, "is_platform_staff", False))


def can_run_transition(user: User | AnonymousUser, sheet: ProjectSheet, name: str) -> bool:
    if not _active(user) or name not in TRANSITIONS:
        return False
    if is_workflow_staff(user):
        return True
    workspace = sheet.workspace
    # The grant is checked last: it loads the granting account, only for institution owners.
    return (
        name in INSTITUTION_OWNER_TRANSITIONS
        and workspace_role(user, workspace) == Role.OWNER
        and institution_is_granted(workspace)
    )


def can_attest(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return is_workflow_staff(user)


def can_view_board(user: User | AnonymousUser) -> bool:
    return is_workflow_staff(user)
