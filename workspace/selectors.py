"""Reads that depend on who asks: which workspaces and members a user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Membership, Workspace
from .permissions import WORKSPACE_POLICY, can_view_workspace

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def workspace_visibility_q(user: User | AnonymousUser, prefix: str = "") -> Q:
    """Q for "the workspace at `prefix` is visible to `user`": public, or one of theirs.

    The workspace policy's list filter (one subquery on the membership index); other apps reuse
    it (`prefix="workspace__"`) so that every list applies the same rule.
    """
    return WORKSPACE_POLICY.visible_q(user, prefix=prefix)


def workspace_member_ids_q(user: User | AnonymousUser, prefix: str = "") -> Q:
    """Q for "the user is a member of the workspace at `prefix`" (for members-only content)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    mine = Membership.objects.filter(user=user).values("workspace_id")
    return Q(**{f"{prefix}id__in": mine})


def workspace_list_visible(*, user: User | AnonymousUser) -> QuerySet[Workspace]:
    return Workspace.objects.filter(workspace_visibility_q(user)).select_related("territory")


def workspace_list_for_member(*, user: User | AnonymousUser) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user).select_related("territory")


def workspace_queryset() -> QuerySet[Workspace]:
    """What a page about one workspace reads with it (views hand it to the workspace policy)."""
    return Workspace.objects.select_related("territory")


def workspace_get_visible(*, user: User | AnonymousUser, slug: str) -> Workspace:
    """The workspace if the user may see it; 404 otherwise, so private ones stay unknown."""
    workspace = workspace_queryset().filter(slug=slug).first()
    if workspace is None or not can_view_workspace(user, workspace):
        raise Http404("No such workspace.")
    return workspace


def membership_list(*, workspace: Workspace) -> QuerySet[Membership]:
    return workspace.memberships.select_related("user").order_by("role", "user__display_name")


def membership_get(*, workspace: Workspace, user_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, user_id=user_id)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership
