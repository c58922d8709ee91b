"""The base of the document endpoints: the document loaded through its policy (404 for what the
caller may not see, 403 for what they see but may not do). Endpoints about a workspace (its
documents, its trash) use the workspace app's `WorkspaceAPIView`."""

from __future__ import annotations

from interface.api import PolicyAPIView

from ..permissions import DOCUMENT_POLICY
from ..views.common import document_rows


class DocumentAPIView(PolicyAPIView):
    """A document at `pk`, outside the trash; `trashed = True` for the trash's own endpoints."""

    policy = DOCUMENT_POLICY
    trashed = False

    def get_object_queryset(self):
        return document_rows(trashed=self.trashed)
