"""Writes for workspaces and memberships; each checks permissions and records activity."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from territories.models import Territory

from .activity import activity_record
from .errors import LastOwnerError, MembershipExists, UnknownUser, WorkspacePermissionDenied
from .models import Membership, Role, Workspace
from .permissions import (
    can_change_workspace,
    can_create_workspace,
    can_manage_members,
    workspace_roles_forget,
)

WORKSPACE_EDITABLE_FIELDS = {"name", "description", "visibility", "territory", "kind"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "espace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def workspace_create(
    *,
    actor: User,
    name: str,
    kind: str,
    visibility: str = Workspace.Visibility.PUBLIC,
    territory: Territory | None = None,
    description: str = "",
    slug: str | None = None,
) -> Workspace:
    if not can_create_workspace(actor):
        raise WorkspacePermissionDenied(_("Connectez-vous pour créer un espace."))
    workspace = Workspace(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        visibility=visibility,
        territory=territory,
        description=description,
        created_by=actor,
    )
    workspace.full_clean()
    workspace.save()
    membership = Membership(workspace=workspace, user=actor, role=Role.OWNER)
    membership.full_clean()
    membership.save()
    workspace_roles_forget(actor)
    activity_record(actor=actor, verb="workspace.created", target=workspace)
    return workspace


@transaction.atomic
def workspace_update(*, actor: User, workspace: Workspace, **fields: Any) -> Workspace:
    if not can_change_workspace(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires modifient l'espace."))
    unknown = set(fields) - WORKSPACE_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    changed = {k: v for k, v in fields.items() if getattr(workspace, k) != v}
    for name, value in changed.items():
        setattr(workspace, name, value)
    workspace.full_clean()
    workspace.save()
    if changed:
        activity_record(
            actor=actor,
            verb="workspace.updated",
            target=workspace,
            data={"fields": sorted(changed)},
        )
    return workspace


def _lock_owners(workspace: Workspace) -> int:
    """Lock the workspace's owner rows and count them, so two demotions cannot both pass."""
    owners = Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER)
    return len(list(owners.values_list("pk", flat=True)))


@transaction.atomic
def membership_add(*, actor: User, workspace: Workspace, email: str, role: str) -> Membership:
    if not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise UnknownUser(_("Aucun compte n'utilise l'adresse %(email)s.") % {"email": email})
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise MembershipExists(_("%(user)s est déjà membre de cet espace.") % {"user": user})
    membership = Membership(workspace=workspace, user=user, role=role)
    membership.full_clean()
    membership.save()
    workspace_roles_forget(user)
    activity_record(
        actor=actor,
        verb="membership.added",
        target=workspace,
        data={"user": user.pk, "email": user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    workspace = membership.workspace
    if not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    if role not in Role.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"role": _("Rôle inconnu.")})
    owners = _lock_owners(workspace)
    membership.refresh_from_db()
    if membership.role == Role.OWNER and role != Role.OWNER and owners <= 1:
        raise LastOwnerError()
    previous = membership.role
    membership.role = role
    membership.full_clean()
    membership.save()
    workspace_roles_forget(membership.user)
    activity_record(
        actor=actor,
        verb="membership.role_changed",
        target=workspace,
        data={"user": membership.user_id, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    workspace = membership.workspace
    # Anyone may leave a workspace; removing somebody else takes an owner.
    if membership.user_id != actor.pk and not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    owners = _lock_owners(workspace)
    if membership.role == Role.OWNER and owners <= 1:
        raise LastOwnerError()
    user_id, role = membership.user_id, membership.role
    membership.delete()
    workspace_roles_forget(membership.user)
    activity_record(
        actor=actor,
        verb="membership.removed",
        target=workspace,
        data={"user": user_id, "role": role},
    )
