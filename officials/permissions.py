"""Who may see and do what with officials' requests.

A private request is seen by its sender, the official it is addressed to, the delegates that
official named, and staff — nobody else, moderators included. A public one is also seen by
moderators (they read its question before publication) and by anyone once it is answered and
its question approved. The official answers (or a delegate, in their name), asks for a
clarification, redirects, or closes as inadmissible (staff too); the sender replies to a
question. States decide the rest (409, not 403)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from policies import (
    ACTIVE,
    Policy,
    Predicate,
    active,
    field_in,
    is_user,
    platform_role,
    policy_register,
)

from .models import OfficialProfile, Request

STAFF = platform_role("is_platform_staff")
MODERATOR = platform_role("is_moderator")


def _delegate_test(user: Any, obj: Any, policy: Policy) -> bool:
    if not active(user):
        return False
    return OfficialProfile.objects.filter(pk=obj.official_id, delegates=user.pk).exists()


def _delegate_rows(user: Any, policy: Policy, prefix: str) -> Q:
    if not active(user):
        return Q(pk__in=[])
    return Q(**{f"{prefix}official__in": OfficialProfile.objects.filter(delegates=user.pk)})


DELEGATE = Predicate("user is a delegate of the official", _delegate_test, _delegate_rows)
THE_OFFICIAL = is_user("official__user")
SENDER = is_user("sender")
PUBLIC = field_in("public", [True])
PUBLISHED = (
    PUBLIC
    & field_in("state", [Request.State.ANSWERED])
    & field_in("publication", [Request.Publication.APPROVED])
)

REQUEST_POLICY = policy_register(
    Policy(
        Request,
        workspace_path=None,
        rules={
            "view": SENDER | THE_OFFICIAL | DELEGATE | STAFF | (PUBLIC & MODERATOR) | PUBLISHED,
            # The inbox: what the official (or a delegate, in their name) has to answer.
            "answer": THE_OFFICIAL | DELEGATE,
            "clarify": THE_OFFICIAL,
            "redirect": THE_OFFICIAL,
            "inadmissible": THE_OFFICIAL | STAFF,
            "reply": SENDER,
            # Moderators read a public question before it is published and flag boilerplate.
            "moderate": PUBLIC & MODERATOR,
        },
    )
)

# Writing to an official: any active account (the rate limit and the official's state decide
# the rest).
WRITE = ACTIVE
