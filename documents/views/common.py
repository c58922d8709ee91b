"""What the documents pages share: page size, loading a document or workspace through its policy,
upload answers (page or JSON), the document page's context."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import JsonResponse
from django.shortcuts import redirect, render

from events.selectors import activity_list_for_target
from interface.views import policy_object
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY
from workspace.selectors import workspace_queryset

from ..forms import (
    RevisionForm,
    ShareLinkForm,
)
from ..models import Document
from ..permissions import DOCUMENT_POLICY
from ..selectors import (
    document_revision_list,
    document_sheet_for,
    document_workspace_for,
    share_link_list,
)

PAGE_SIZE = 25


def document_rows(*, trashed: bool = False) -> QuerySet[Document]:
    """The documents outside the trash (or in it), with what their pages and the API read of
    them fetched in the same query. A trashed document is reached only through the trash's
    own addresses, even by those the policy lets see it there."""
    return Document.objects.filter(trashed_at__isnull=not trashed).select_related(
        "workspace", "current_revision", "sheet__workspace", "created_by"
    )


def document_for(request, pk: int, action: str = "view", *, trashed: bool = False) -> Document:
    """The document at `pk`: 404 unless the user sees it, 403 unless they may do `action`."""
    return policy_object(
        request, DOCUMENT_POLICY, action, queryset=document_rows(trashed=trashed), pk=pk
    )


def workspace_for(request, slug: str, action: str = "view") -> Workspace:
    """The workspace at `slug`: 404 unless the user sees it, 403 unless they may do `action`."""
    return policy_object(
        request, WORKSPACE_POLICY, action, queryset=workspace_queryset(), slug=slug
    )


def is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def file_error(form, message: str) -> None:
    """Show `message` as the file field's only error, on a bound or an unbound form."""
    form.is_valid()
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.errors.pop("file", None)
    form.add_error("file", message)


def file_refused_json(message: str, status: int) -> JsonResponse:
    """The upload script's answer to a refused file: the message, as the file field's error."""
    return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=status)


def upload_refused(request, template: str, context: dict, form, message: str, status: int):
    if is_xhr(request):
        return file_refused_json(message, status)
    file_error(form, message)
    return render(request, template, context, status=status)


def upload_done(request, target, message: str):
    """A stored upload: the message on the next page, which the upload script is sent to."""
    messages.success(request, message)
    if is_xhr(request):
        return JsonResponse({"redirect": target.get_absolute_url()}, status=201)
    return redirect(target)


def upload_context(workspace, form) -> dict:
    return {
        "workspace": workspace,
        "form": form,
        "upload_max_bytes": settings.FABRIQUE_UPLOAD_MAX_BYTES,
    }


def detail_context(request, document, *, revision_form=None) -> dict:
    user = request.user

    def may(action: str) -> bool:
        return DOCUMENT_POLICY.check(user, document, action)

    manage_links = may("share")
    return {
        "document": document,
        # Each relation as the viewer may see it: a shared document of a private workspace
        # names no workspace, a public document of a members-only sheet names no sheet.
        "workspace": document_workspace_for(user=user, document=document),
        "sheet": document_sheet_for(user=user, document=document),
        "revisions": document_revision_list(document=document).select_related("restored_from"),
        "can_add_revision": may("add_revision"),
        "can_change": may("change"),
        "can_trash": may("trash"),
        "can_manage_links": manage_links,
        "share_links": share_link_list(document=document) if manage_links else [],
        "share_form": ShareLinkForm() if manage_links else None,
        "revision_form": revision_form or RevisionForm(),
        "upload_max_bytes": settings.FABRIQUE_UPLOAD_MAX_BYTES,
        "activities": activity_list_for_target(target=document)[:30],
        "new_share_url": request.session.pop(f"share-link-{document.pk}", None),
    }
