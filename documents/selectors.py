"""Reads that depend on who asks: visible documents, their revisions, trash and share links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from projects.models import ProjectSheet
from projects.permissions import can_view_sheet
from workspace.models import Workspace
from workspace.permissions import can_view_workspace

from .models import Document, DocumentRevision, ShareLink
from .permissions import DOCUMENT_POLICY, can_view_document

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

SORTS = {
    "recent": ["-updated", "-id"],
    "oldest": ["updated", "id"],
    "title": ["title", "id"],
    "-title": ["-title", "-id"],
    "size": ["-current_revision__size", "-id"],
}


def document_visibility_q(user: User | AnonymousUser) -> Q:
    """The document policy's list filter: public-in-public, member of the workspace, granted
    this document (and, for those who may restore them, trashed documents)."""
    return DOCUMENT_POLICY.visible_q(user)


def document_list_visible(
    *,
    user: User | AnonymousUser,
    workspace: Workspace | None = None,
    q: str = "",
    mime_type: str = "",
    visibility: str = "",
    sort: str = "recent",
) -> QuerySet[Document]:
    qs = Document.objects.filter(trashed_at__isnull=True).filter(document_visibility_q(user))
    if workspace is not None:
        qs = qs.filter(workspace=workspace)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(current_revision__original_name__icontains=q))
    if mime_type:
        qs = qs.filter(current_revision__mime_type=mime_type)
    if visibility:
        qs = qs.filter(visibility=visibility)
    return qs.select_related(
        "workspace",
        "current_revision",
        "current_revision__uploaded_by",
        "sheet__workspace",
        "created_by",
    ).order_by(*SORTS.get(sort, SORTS["recent"]))


def document_get_visible(
    *, user: User | AnonymousUser, pk: int, include_trashed: bool = False
) -> Document:
    """The document if the user may see it; 404 otherwise (never reveal what exists)."""
    document = (
        Document.objects.select_related(
            "workspace", "current_revision", "sheet__workspace", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if document is None or (document.is_trashed and not include_trashed):
        raise Http404("No such document.")
    if not can_view_document(user, document):
        raise Http404("No such document.")
    return document


def document_sheet_for(*, user: User | AnonymousUser, document: Document) -> ProjectSheet | None:
    """The sheet `document` is filed under, if `user` may see that sheet; None otherwise.

    A public document may be filed under a members-only sheet: to those who may not see the
    sheet, the document shows no sheet at all (no title, no link, no id). Pages and API ask
    here, and the sheet's own rule (`can_view_sheet`) answers.
    """
    sheet = document.sheet if document.sheet_id else None
    if sheet is None or not can_view_sheet(user, sheet):
        return None
    return sheet


def document_workspace_for(*, user: User | AnonymousUser, document: Document) -> Workspace | None:
    """The workspace of `document`, if `user` may see it; None for a person the document alone
    was shared with, inside a private workspace (whose name stays unknown to them)."""
    workspace = document.workspace
    return workspace if can_view_workspace(user, workspace) else None


def document_revision_list(*, document: Document) -> QuerySet[DocumentRevision]:
    return document.revisions.select_related("uploaded_by").order_by("-number")


def document_revision_get(*, document: Document, number: int) -> DocumentRevision:
    revision = document.revisions.filter(number=number).first()
    if revision is None:
        raise Http404("No such revision.")
    return revision


def document_trash_list(*, workspace: Workspace) -> QuerySet[Document]:
    return (
        Document.objects.filter(workspace=workspace, trashed_at__isnull=False)
        .select_related(
            "workspace", "current_revision", "trashed_by", "created_by", "sheet__workspace"
        )
        .order_by("-trashed_at")
    )


def share_link_list(*, document: Document) -> QuerySet[ShareLink]:
    return document.share_links.select_related("created_by", "revoked_by")


def share_link_active_count(*, document: Document) -> int:
    return document.share_links.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def workspace_storage_used(*, workspace: Workspace) -> int:
    """Bytes held by every revision of the workspace's documents, trash included."""
    total = DocumentRevision.objects.filter(document__workspace=workspace).aggregate(s=Sum("size"))
    return total["s"] or 0
