"""Who may see and do what with meetings and registrations.

A sheet's meeting is as visible as its sheet (a private workspace's meeting never shows, not even
as a count); a territory's meeting is public. Staff, officials and the sheet's workspace editors
organise (create, edit, cancel, see the registrants, publish the restitution); a territory's
meeting is organised by staff and officials only. A registration is seen by its organisers and by
the signed-in person who made it."""

from __future__ import annotations

from typing import Any

from policies import Policy, field_is, is_user, platform_role, policy_register, through
from projects.permissions import SHEET_POLICY

from .models import Meeting, Registration

STAFF_OR_OFFICIAL = platform_role("is_platform_staff", "is_official")
TERRITORY_MEETING = field_is("sheet", None)

MEETING_POLICY = policy_register(
    Policy(
        Meeting,
        workspace_path="sheet__workspace",
        rules={
            "view": TERRITORY_MEETING | through("sheet", SHEET_POLICY),
            "organise": STAFF_OR_OFFICIAL | through("sheet", SHEET_POLICY, "edit_any_stage"),
        },
    )
)
REGISTRATION_POLICY = policy_register(
    Policy(
        Registration,
        workspace_path="meeting__sheet__workspace",
        rules={
            "view": is_user("user") | through("meeting", MEETING_POLICY, "organise"),
        },
    )
)


def can_organise_on_sheet(user: Any, sheet: Any) -> bool:
    """Creating a meeting for a sheet: staff, an official, or the sheet's workspace editors."""
    if not SHEET_POLICY.check(user, sheet):
        return False
    return STAFF_OR_OFFICIAL.test(user, sheet, SHEET_POLICY) or SHEET_POLICY.check(
        user, sheet, "edit_any_stage"
    )


def can_organise_for_territory(user: Any) -> bool:
    return bool(STAFF_OR_OFFICIAL.test(user, None, MEETING_POLICY))


def can_organise(user: Any, meeting: Meeting) -> bool:
    return MEETING_POLICY.check(user, meeting, "organise")
