"""Who may see and do what with amendment rounds, amendments and ballots.

Everything is as visible as its sheet. Staff and officials open rounds on the sheets they see;
staff and the round's official steer it (close a window early, accept or reject amendments);
signed-in accounts who see the sheet propose amendments and judge; an amendment's author
withdraws it. Windows and states decide the rest (409, not 403)."""

from __future__ import annotations

from policies import ACTIVE, Policy, is_user, platform_role, policy_register, through
from projects.permissions import SHEET_POLICY

from .models import Amendment, AmendmentRound

STAFF = platform_role("is_platform_staff")
STAFF_OR_OFFICIAL = platform_role("is_platform_staff", "is_official")

ROUND_POLICY = policy_register(
    Policy(
        AmendmentRound,
        workspace_path="sheet__workspace",
        rules={
            "view": through("sheet", SHEET_POLICY),
            "steer": STAFF | (ACTIVE & is_user("official")),
            "propose": ACTIVE,
            "judge": ACTIVE,
        },
    )
)

AMENDMENT_POLICY = policy_register(
    Policy(
        Amendment,
        workspace_path="sheet__workspace",
        rules={
            "view": through("round", ROUND_POLICY),
            "withdraw": is_user("author"),
            "decide": through("round", ROUND_POLICY, "steer"),
        },
    )
)

SHEET_POLICY.extend(open_round=STAFF_OR_OFFICIAL, propose_amendment=ACTIVE)
