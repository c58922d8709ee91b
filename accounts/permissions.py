"""Who may manage whose account: staff manage citizens and officials; only superusers manage
accounts that reach the admin (staff, moderators, superusers).

The admin, the services and any future page or API ask these rules, so a staff agent cannot
take over another privileged account by changing its e-mail, password, role or activity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from .models import PlatformRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

# Platform roles that reach the admin: granting or withdrawing them is a superuser's decision.
PRIVILEGED_ROLES = frozenset({PlatformRole.STAFF, PlatformRole.MODERATOR})


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_privileged(user: User) -> bool:
    """An account whose takeover would give admin access."""
    return bool(user.is_superuser or user.is_staff or user.platform_role in PRIVILEGED_ROLES)


def can_manage_user(actor: User | AnonymousUser, user: User) -> bool:
    """May `actor` change `user`'s e-mail, password, activity or role?"""
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return bool(actor.platform_role == PlatformRole.STAFF and not is_privileged(user))


def can_set_platform_role(actor: User | AnonymousUser, user: User, role: str) -> bool:
    if not can_manage_user(actor, user):
        return False
    return bool(actor.is_superuser or role not in PRIVILEGED_ROLES)
