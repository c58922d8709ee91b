"""Who may see and decide moderation cases: moderators and staff, platform-wide (a case shows
them the reported text, hidden or not, whatever the workspace). Who may not, although they hold
the role, is judged by the moderation machine's rules: a moderator who took part in the debate,
and, for an appeal, the one who hid the message."""

from __future__ import annotations

from policies import Policy, is_user, platform_role, policy_register

from .models import ModerationCase, Notice

MODERATOR_OR_STAFF = platform_role("is_moderator", "is_platform_staff")

CASE_POLICY = policy_register(
    Policy(
        ModerationCase,
        workspace_path="comment__debate__workspace",
        rules={"view": MODERATOR_OR_STAFF, "decide": MODERATOR_OR_STAFF},
    )
)

NOTICE_POLICY = policy_register(
    Policy(Notice, workspace_path=None, rules={"view": is_user("recipient")})
)
