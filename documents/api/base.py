"""The bases of the documents endpoints: a document or a workspace loaded through its policy
(404 for what the caller may not see, 403 for what they see but may not do)."""

from __future__ import annotations

from core.api import PolicyAPIView
from workspace.permissions import WORKSPACE_POLICY

from ..permissions import DOCUMENT_POLICY
from ..views.common import document_rows, workspace_rows


class DocumentAPIView(PolicyAPIView):
    """A document at `pk`, outside the trash; `trashed = True` for the trash's own endpoints."""

    policy = DOCUMENT_POLICY
    trashed = False

    def get_object_queryset(self):
        return document_rows(trashed=self.trashed)


class WorkspaceAPIView(PolicyAPIView):
    """A workspace at `slug`, for the endpoints that list or add its documents."""

    policy = WORKSPACE_POLICY
    lookup_kwargs = {"slug": "slug"}

    def get_object_queryset(self):
        return workspace_rows()
