"""The workspace trash: move a document there, list, restore, purge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt

from ..selectors import (
    document_trash_list,
)
from ..services import (
    document_purge,
    document_restore,
    document_trash,
)
from .common import PAGE_SIZE, document_for, workspace_for


@login_required
@require_POST
def document_trash_view(request, pk: int):
    document = document_for(request, pk, "trash")
    if not attempt(request, lambda: document_trash(actor=request.user, document=document)).ok:
        return redirect(document)
    messages.success(request, _("Document placé dans la corbeille."))
    return redirect("documents:list", slug=document.workspace.slug)


@login_required
def trash_list(request, slug: str):
    workspace = workspace_for(request, slug, "view_trash")
    page = Paginator(document_trash_list(workspace=workspace), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "documents/trash.html", {"workspace": workspace, "page_obj": page})


@login_required
@require_POST
def trash_restore(request, pk: int):
    document = document_for(request, pk, "restore", trashed=True)
    if not attempt(request, lambda: document_restore(actor=request.user, document=document)).ok:
        return redirect("documents:trash", slug=document.workspace.slug)
    messages.success(request, _("Document restauré."))
    return redirect(document)


@login_required
@require_POST
def trash_purge(request, pk: int):
    document = document_for(request, pk, "restore", trashed=True)
    slug = document.workspace.slug
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Supprimer définitivement « %(title)s » ?") % {"title": document.title},
                consequence=_(
                    "Le document et toutes ses versions seront effacés ; ses liens de partage "
                    "cesseront de fonctionner. Il ne pourra pas être restauré."
                ),
                action_label=_("Oui, supprimer définitivement"),
                cancel_url=reverse("documents:trash", kwargs={"slug": slug}),
            ),
        )
    if attempt(request, lambda: document_purge(actor=request.user, document=document)).ok:
        messages.success(request, _("Document supprimé définitivement."))
    return redirect("documents:trash", slug=slug)
