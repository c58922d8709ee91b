"""Who may see and do what with documents: workspace role, document visibility, per-person grants."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from workspace.models import Workspace
from workspace.permissions import has_role_perm

from .models import Document, Visibility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view_document(user: User | AnonymousUser, document: Document) -> bool:
    """Public documents of public workspaces for everyone; the rest for members and grantees.

    Trashed documents are only seen by those who may restore them (through the trash).
    """
    if document.is_trashed:
        return can_restore_document(user, document)
    if document.visibility == Visibility.PUBLIC and document.workspace.is_public:
        return True
    if not _active(user):
        return False
    # Role first (no query beyond the cached memberships), then guardian's direct-FK grants.
    return has_role_perm(user, "documents.view_document", document) or user.has_perm(
        "documents.view_document", document
    )


def can_add_document(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return _active(user) and has_role_perm(user, "documents.add_document", workspace)


def can_add_revision(user: User | AnonymousUser, document: Document) -> bool:
    return (
        _active(user)
        and not document.is_trashed
        and has_role_perm(user, "documents.add_documentrevision", document)
    )


def can_change_document(user: User | AnonymousUser, document: Document) -> bool:
    return _active(user) and has_role_perm(user, "documents.change_document", document)


def can_trash_document(user: User | AnonymousUser, document: Document) -> bool:
    return _active(user) and has_role_perm(user, "documents.delete_document", document)


def can_restore_document(user: User | AnonymousUser, document: Document) -> bool:
    return _active(user) and has_role_perm(user, "documents.restore_document", document)


def can_manage_share_links(user: User | AnonymousUser, document: Document) -> bool:
    return (
        _active(user)
        and not document.is_trashed
        and has_role_perm(user, "documents.add_sharelink", document)
    )


def can_view_trash(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return _active(user) and has_role_perm(user, "documents.restore_document", workspace)
