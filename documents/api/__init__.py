"""API v1 for documents: lists, multipart uploads, revisions, downloads, share links, trash.

`serializers` holds the shapes, `streaming` the upload mixin, and `documents`, `revisions`,
`sharing` and `trash` the endpoints.
"""

from .documents import DocumentDetail, DocumentDownload, WorkspaceDocumentList
from .revisions import DocumentRevisionList, DocumentRevisionRestore
from .serializers import (
    UNKNOWN_SHEET,
    DocumentSerializer,
    DocumentUploadSerializer,
    RevisionSerializer,
    RevisionUploadSerializer,
    ShareLinkCreateSerializer,
    ShareLinkSerializer,
)
from .sharing import ShareLinkListCreate, ShareLinkRevoke
from .streaming import StreamingUploadMixin
from .trash import DocumentTrashPurge, DocumentTrashRestore, WorkspaceTrashList

__all__ = [
    "UNKNOWN_SHEET",
    "DocumentDetail",
    "DocumentDownload",
    "DocumentRevisionList",
    "DocumentRevisionRestore",
    "DocumentSerializer",
    "DocumentTrashPurge",
    "DocumentTrashRestore",
    "DocumentUploadSerializer",
    "RevisionSerializer",
    "RevisionUploadSerializer",
    "ShareLinkCreateSerializer",
    "ShareLinkListCreate",
    "ShareLinkRevoke",
    "ShareLinkSerializer",
    "StreamingUploadMixin",
    "WorkspaceDocumentList",
    "WorkspaceTrashList",
]
