"""Who may see and do what with documents: workspace role, document visibility, per-person grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from policies import (
    ACTIVE,
    NO_ROWS,
    Policy,
    Predicate,
    active,
    field_is,
    policy_register,
    through,
)
from workspace.models import Workspace
from workspace.permissions import IN_PUBLIC_WORKSPACE, WORKSPACE_POLICY, role_perm

from .models import Document, DocumentRevision, DocumentUserObjectPermission, ShareLink, Visibility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _granted(user: User | AnonymousUser | None, document: Document, policy: Policy) -> bool:
    return active(user) and user.has_perm("documents.view_document", document)


def _granted_rows(user: User | AnonymousUser | None, policy: Policy, prefix: str) -> Q:
    if not active(user):
        return NO_ROWS
    granted = DocumentUserObjectPermission.objects.filter(
        user=user, permission__codename="view_document"
    ).values("content_object_id")
    return Q(**{f"{prefix}pk__in": granted})


# Guardian's per-person grants (a document shared with someone outside its workspace).
GRANTED = Predicate("granted view_document", _granted, _granted_rows)
TRASHED = ~field_is("trashed_at", None)
NOT_TRASHED = field_is("trashed_at", None)
RESTORER = ACTIVE & role_perm("documents.restore_document")

DOCUMENT_POLICY = policy_register(
    Policy(
        Document,
        workspace_path="workspace",
        rules={
            # Public documents of public workspaces for everyone; the rest for members and
            # grantees. Trashed documents only for those who may restore them (the trash).
            "view": (
                NOT_TRASHED
                & (
                    (field_is("visibility", Visibility.PUBLIC) & IN_PUBLIC_WORKSPACE)
                    | (ACTIVE & (role_perm("documents.view_document") | GRANTED))
                )
            )
            | (TRASHED & RESTORER),
            "add_revision": NOT_TRASHED & ACTIVE & role_perm("documents.add_documentrevision"),
            "change": ACTIVE & role_perm("documents.change_document"),
            "trash": ACTIVE & role_perm("documents.delete_document"),
            "restore": RESTORER,
            "share": NOT_TRASHED & ACTIVE & role_perm("documents.add_sharelink"),
        },
    )
)
DOCUMENT_REVISION_POLICY = policy_register(
    Policy(
        DocumentRevision,
        workspace_path="document__workspace",
        rules={"view": through("document", DOCUMENT_POLICY)},
    )
)
SHARE_LINK_POLICY = policy_register(
    Policy(
        ShareLink,
        workspace_path="document__workspace",
        rules={"view": through("document", DOCUMENT_POLICY, "share")},
    )
)
WORKSPACE_POLICY.extend(
    add_document=ACTIVE & role_perm("documents.add_document"),
    view_trash=RESTORER,
)


def can_view_document(user: User | AnonymousUser, document: Document) -> bool:
    return DOCUMENT_POLICY.check(user, document)


def can_add_document(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return WORKSPACE_POLICY.check(user, workspace, "add_document")


def can_add_revision(user: User | AnonymousUser, document: Document) -> bool:
    return DOCUMENT_POLICY.check(user, document, "add_revision")


def can_change_document(user: User | AnonymousUser, document: Document) -> bool:
    return DOCUMENT_POLICY.check(user, document, "change")


def can_trash_document(user: User | AnonymousUser, document: Document) -> bool:
    return DOCUMENT_POLICY.check(user, document, "trash")


def can_restore_document(user: User | AnonymousUser, document: Document) -> bool:
    return DOCUMENT_POLICY.check(user, document, "restore")


def can_manage_share_links(user: User | AnonymousUser, document: Document) -> bool:
    return DOCUMENT_POLICY.check(user, document, "share")
