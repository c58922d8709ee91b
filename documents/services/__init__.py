"""Writes on documents: uploads and revisions, metadata, trash, share links and grants."""

from .documents import (
    document_create,
    document_purge,
    document_restore,
    document_revision_add,
    document_revision_restore,
    document_trash,
    document_trash_purge_expired,
    document_update,
)
from .maintenance import storage_orphan_delete
from .sharing import (
    document_grant_view,
    document_revoke_view,
    share_link_check_password,
    share_link_create,
    share_link_password_validate,
    share_link_resolve,
    share_link_revoke,
)

__all__ = [
    "document_create",
    "document_grant_view",
    "document_purge",
    "document_restore",
    "document_revision_add",
    "document_revision_restore",
    "document_revoke_view",
    "document_trash",
    "document_trash_purge_expired",
    "document_update",
    "share_link_check_password",
    "share_link_create",
    "share_link_password_validate",
    "share_link_resolve",
    "share_link_revoke",
    "storage_orphan_delete",
]
