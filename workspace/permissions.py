"""Who may do what inside a workspace: the role → permissions map and the rules built on it.

Every permission that a workspace role carries is listed here, for every app, so that one table
answers "what can an editor do?". Rules that also depend on a platform role or on a sheet's
stage live in the owning app's permissions module and call `workspace_role` / `has_role_perm`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from policies import ALL_ROWS, NO_ROWS, Policy, Predicate, active, is_user, policy_register

from .models import Membership, Role, Workspace

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

READER_PERMS = frozenset(
    {
        "workspace.view_workspace",
        "workspace.view_members",
        "documents.view_document",  # members-only documents too
        "projects.view_projectsheet",  # non-public sheets too
    }
)
CONTRIBUTOR_PERMS = READER_PERMS | {
    "documents.add_document",
    "documents.add_documentrevision",
    "projects.add_projectsheet",
}
EDITOR_PERMS = CONTRIBUTOR_PERMS | {
    "documents.change_document",
    "documents.delete_document",
    "documents.restore_document",
    "documents.add_sharelink",
    "documents.delete_sharelink",
    "projects.change_projectsheet",
}
OWNER_PERMS = EDITOR_PERMS | {
    "workspace.change_workspace",
    "workspace.manage_members",
    "workspace.delete_workspace",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.READER: frozenset(READER_PERMS),
    Role.CONTRIBUTOR: frozenset(CONTRIBUTOR_PERMS),
    Role.EDITOR: frozenset(EDITOR_PERMS),
    Role.OWNER: frozenset(OWNER_PERMS),
}
# What anyone, signed in or not, may do with a *public* workspace.
PUBLIC_PERMS = frozenset({"workspace.view_workspace"})

ROLE_RANK = {Role.READER: 1, Role.CONTRIBUTOR: 2, Role.EDITOR: 3, Role.OWNER: 4}

_CACHE_ATTR = "_fabrique_workspace_roles"


def workspace_of(obj: Any) -> Workspace | None:
    """Resolve the workspace an object lives in (workspace, sheet, document, revision…)."""
    if isinstance(obj, Workspace):
        return obj
    return getattr(obj, "workspace", None)


def workspace_roles(user: User | AnonymousUser | None) -> dict[int, str]:
    """workspace id → the user's role there, cached on the user object (one query per request;
    none for anonymous or inactive accounts)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cache: dict[int, str] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        memberships = Membership.objects.filter(user=user).order_by()  # no join to sort
        cache = dict(memberships.values_list("workspace_id", "role"))
        setattr(user, _CACHE_ATTR, cache)
    return cache


def workspace_role(user: User | AnonymousUser | None, workspace: Workspace) -> str | None:
    """The user's role in the workspace, cached on the user object (one query per request)."""
    return workspace_roles(user).get(workspace.pk)


def workspace_roles_forget(user: User | AnonymousUser | None) -> None:
    """Drop the per-request role cache after a membership change."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def role_at_least(role: str | None, minimum: str) -> bool:
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(minimum)]


def has_role_perm(user: User | AnonymousUser, perm: str, obj: Any) -> bool:
    """Membership-role answer to `user.has_perm(perm, obj)`; the auth backend delegates here."""
    workspace = workspace_of(obj)
    if workspace is None:
        return False
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    role = workspace_role(user, workspace)
    if role is not None and perm in ROLE_PERMISSIONS[Role(role)]:
        return True
    return workspace.is_public and perm in PUBLIC_PERMS


# Shared predicates over the workspace a policy's model lives in (see policies).


def _superuser(user: User | AnonymousUser | None) -> bool:
    return active(user) and user.is_superuser


def role_perm(perm: str) -> Predicate:
    """The user's role in the object's workspace carries `perm` (superusers: every role)."""
    roles = sorted(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)

    def test(user: User | AnonymousUser | None, obj: object, policy: Policy) -> bool:
        if _superuser(user):
            return True
        workspace = policy.workspace_of(obj)
        return workspace is not None and workspace_role(user, workspace) in roles

    def rows(user: User | AnonymousUser | None, policy: Policy, prefix: str) -> Q:
        if _superuser(user):
            return ALL_ROWS
        if not active(user):
            return NO_ROWS
        mine = Membership.objects.filter(user=user)
        if len(roles) < len(Role):  # every role: no condition on it (the plain membership index)
            mine = mine.filter(role__in=roles)
        return Q(**{f"{policy.workspace_prefix(prefix)}id__in": mine.values("workspace_id")})

    return Predicate(f"role has {perm}", test, rows)


def _in_public_workspace(user: object, obj: object, policy: Policy) -> bool:
    workspace = policy.workspace_of(obj)
    return workspace is not None and workspace.is_public


IN_PUBLIC_WORKSPACE = Predicate(
    "in a public workspace",
    _in_public_workspace,
    lambda user, policy, prefix: Q(
        **{f"{policy.workspace_prefix(prefix)}visibility": Workspace.Visibility.PUBLIC}
    ),
)
MEMBER = role_perm("workspace.view_workspace")

WORKSPACE_POLICY = policy_register(
    Policy(
        Workspace,
        workspace_path="",
        rules={
            "view": IN_PUBLIC_WORKSPACE | MEMBER,
            "view_members": role_perm("workspace.view_members"),
            "change": role_perm("workspace.change_workspace"),
            "manage_members": role_perm("workspace.manage_members"),
        },
    )
)


MEMBERSHIP_POLICY = policy_register(
    Policy(
        Membership,
        workspace_path="workspace",
        rules={
            "view": role_perm("workspace.view_members"),
            "change": role_perm("workspace.manage_members"),
            # A member leaves by themselves; the owners remove the others.
            "delete": is_user("user") | role_perm("workspace.manage_members"),
        },
    )
)


def can_view_workspace(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return WORKSPACE_POLICY.check(user, workspace)


def can_change_workspace(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return WORKSPACE_POLICY.check(user, workspace, "change")


def can_manage_members(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return WORKSPACE_POLICY.check(user, workspace, "manage_members")


def can_create_workspace(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_grant_institution(user: User | AnonymousUser | None) -> bool:
    """The institution kind carries workflow rights: only active platform staff grant it."""
    return bool(can_create_workspace(user) and getattr(user, "is_platform_staff", False))


def institution_is_granted(workspace: Workspace) -> bool:
    """An institution whose status was granted by someone who is still active staff."""
    if workspace.kind != Workspace.Kind.INSTITUTION or workspace.institution_granted_by_id is None:
        return False
    return can_grant_institution(workspace.institution_granted_by)
