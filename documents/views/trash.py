"""The workspace trash: move a document there, list, restore, purge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workspace.selectors import workspace_get_visible

from ..errors import DocumentError
from ..permissions import (
    can_restore_document,
    can_trash_document,
    can_view_trash,
)
from ..selectors import (
    document_get_visible,
    document_trash_list,
)
from ..services import (
    document_purge,
    document_restore,
    document_trash,
)
from .common import PAGE_SIZE


@login_required
@require_POST
def document_trash_view(request, pk: int):
    document = document_get_visible(user=request.user, pk=pk)
    if not can_trash_document(request.user, document):
        raise PermissionDenied
    document_trash(actor=request.user, document=document)
    messages.success(request, _("Document placé dans la corbeille."))
    return redirect("documents:list", slug=document.workspace.slug)


@login_required
def trash_list(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_view_trash(request.user, workspace):
        raise PermissionDenied
    page = Paginator(document_trash_list(workspace=workspace), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "documents/trash.html", {"workspace": workspace, "page_obj": page})


def _trashed(request, pk: int):
    document = document_get_visible(user=request.user, pk=pk, include_trashed=True)
    if not document.is_trashed:
        raise Http404
    if not can_restore_document(request.user, document):
        raise PermissionDenied
    return document


@login_required
@require_POST
def trash_restore(request, pk: int):
    document = _trashed(request, pk)
    try:
        document_restore(actor=request.user, document=document)
        messages.success(request, _("Document restauré."))
    except DocumentError as error:
        messages.error(request, error.message)
        return redirect("documents:trash", slug=document.workspace.slug)
    return redirect(document)


@login_required
@require_POST
def trash_purge(request, pk: int):
    document = _trashed(request, pk)
    slug = document.workspace.slug
    document_purge(actor=request.user, document=document)
    messages.success(request, _("Document supprimé définitivement."))
    return redirect("documents:trash", slug=slug)
