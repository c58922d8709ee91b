"""Who may see and do what with debates and comments.

A sheet's debate is as visible as its sheet; a workspace's debate as its workspace (members only
when it is private); a debate attached only to a territory or themes is public. Signed-in
accounts who see a debate may comment (the debate's state decides whether the comment is
taken: 409, not 403); its author, moderators and staff close it with a synthesis.
"""

from __future__ import annotations

from typing import Any

from policies import (
    ACTIVE,
    Policy,
    field_is,
    is_user,
    platform_role,
    policy_register,
    through,
)
from projects.models import Stage
from projects.permissions import SHEET_POLICY
from workspace.permissions import IN_PUBLIC_WORKSPACE, MEMBER, WORKSPACE_POLICY

from .models import Comment, Debate

MODERATOR_OR_STAFF = platform_role("is_moderator", "is_platform_staff")
# Officials and staff wear a badge wherever they write (comments, debates).
BADGE_ROLES = ("official", "staff")

_ON_SHEET = through("sheet", SHEET_POLICY)
_OFF_SHEET = field_is("sheet_id", None) & (
    field_is("workspace_id", None) | IN_PUBLIC_WORKSPACE | MEMBER
)

DEBATE_POLICY = policy_register(
    Policy(
        Debate,
        workspace_path="workspace",
        rules={
            "view": _ON_SHEET | _OFF_SHEET,
            "comment": ACTIVE,
            "close": ACTIVE & (is_user("author") | MODERATOR_OR_STAFF),
        },
    )
)

COMMENT_POLICY = policy_register(
    Policy(
        Comment,
        workspace_path="debate__workspace",
        rules={
            "view": through("debate", DEBATE_POLICY),
            "change": is_user("author"),
            "delete": is_user("author"),
            "report": ACTIVE,
            "appeal": is_user("author"),
        },
    )
)

# Open a debate in a workspace: anyone signed in for a public one, its members for a private one.
WORKSPACE_POLICY.extend(add_debate=ACTIVE & (IN_PUBLIC_WORKSPACE | MEMBER))
# On a sheet: whoever sees it, while the project runs (archived/abandoned: 409 from the service).
SHEET_POLICY.extend(add_debate=ACTIVE)
ACTIVE_STAGES = frozenset(s for s in Stage.values if s not in {"archived", "abandoned"})


def author_badge(user: Any) -> str | None:
    """ "official" or "staff" for the badge shown beside the name; None otherwise."""
    if user is None or not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_official", False):
        return "official"
    if getattr(user, "is_platform_staff", False):
        return "staff"
    return None
