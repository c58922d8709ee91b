"""What the documents pages share: page size, upload refusals (page or JSON), the document page's context."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from events.selectors import activity_list_for_target

from ..forms import (
    RevisionForm,
    ShareLinkForm,
)
from ..permissions import (
    can_add_revision,
    can_change_document,
    can_manage_share_links,
    can_trash_document,
)
from ..selectors import (
    document_revision_list,
    document_sheet_for,
    document_workspace_for,
    share_link_list,
)

PAGE_SIZE = 25


def is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def file_error(form, message: str) -> None:
    """Show `message` as the file field's only error, on a bound or an unbound form."""
    form.is_valid()
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.errors.pop("file", None)
    form.add_error("file", message)


def upload_refused(request, template: str, context: dict, form, message: str, status: int):
    if is_xhr(request):
        return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=status)
    file_error(form, message)
    return render(request, template, context, status=status)


def upload_context(workspace, form) -> dict:
    return {
        "workspace": workspace,
        "form": form,
        "upload_max_bytes": settings.FABRIQUE_UPLOAD_MAX_BYTES,
    }


def detail_context(request, document, *, revision_form=None) -> dict:
    user = request.user
    manage_links = can_manage_share_links(user, document)
    return {
        "document": document,
        # Each relation as the viewer may see it: a shared document of a private workspace
        # names no workspace, a public document of a members-only sheet names no sheet.
        "workspace": document_workspace_for(user=user, document=document),
        "sheet": document_sheet_for(user=user, document=document),
        "revisions": document_revision_list(document=document).select_related("restored_from"),
        "can_add_revision": can_add_revision(user, document),
        "can_change": can_change_document(user, document),
        "can_trash": can_trash_document(user, document),
        "can_manage_links": manage_links,
        "share_links": share_link_list(document=document) if manage_links else [],
        "share_form": ShareLinkForm() if manage_links else None,
        "revision_form": revision_form or RevisionForm(),
        "upload_max_bytes": settings.FABRIQUE_UPLOAD_MAX_BYTES,
        "activities": activity_list_for_target(target=document)[:30],
        "new_share_url": request.session.pop(f"share-link-{document.pk}", None),
    }
