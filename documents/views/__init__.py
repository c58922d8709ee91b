"""Pages of the documents app: workspace list, upload, document page, trash, shared links.

One module per concern: `documents` (list, upload, page, edit, download), `revisions`,
`trash` and `sharing`; `common` holds what they share.
"""

from .common import PAGE_SIZE
from .documents import (
    document_detail,
    document_download,
    document_edit,
    document_list,
    document_upload,
)
from .revisions import revision_restore, revision_upload
from .sharing import share_link_create_view, share_link_revoke_view, shared_document
from .trash import document_trash_view, trash_list, trash_purge, trash_restore

__all__ = [
    "PAGE_SIZE",
    "document_detail",
    "document_download",
    "document_edit",
    "document_list",
    "document_trash_view",
    "document_upload",
    "revision_restore",
    "revision_upload",
    "share_link_create_view",
    "share_link_revoke_view",
    "shared_document",
    "trash_list",
    "trash_purge",
    "trash_restore",
]
