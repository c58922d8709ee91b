"""Who may manage whose account: staff manage citizens and officials; only superusers manage
accounts that reach the admin (staff, moderators, superusers).

The admin, the services and any future page or API ask these rules, so a staff agent cannot
take over another privileged account by changing its e-mail, password, role or activity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from .models import MediatorGrant, PlatformRole

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


def can_manage_mediators(actor: User | AnonymousUser | None) -> bool:
    """Staff (and superusers) grant and withdraw the mediator capability."""
    return _active(actor) and actor.is_platform_staff


def is_mediator(user: User | AnonymousUser | None) -> bool:
    """May record ballots and contributions on behalf of people without an account: staff
    themselves, or an account holding a current mediator grant."""
    if not _active(user):
        return False
    if user.is_platform_staff:
        return True
    cached = user.__dict__.get("_is_mediator")
    if cached is None:
        cached = MediatorGrant.objects.filter(user=user, revoked_at__isnull=True).exists()
        user.__dict__["_is_mediator"] = cached
    return cached
