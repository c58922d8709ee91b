"""Document pages: workspace list, upload, document page, edit, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from interface.views import attempt
from workspace.permissions import WORKSPACE_POLICY

from ..forms import (
    DocumentFilterForm,
    DocumentForm,
    UploadForm,
)
from ..selectors import (
    document_list_visible,
    document_revision_get,
)
from ..services import (
    document_create,
    document_update,
)
from ..storage import revision_page_response
from ..upload import streaming_upload, upload_too_large
from ..validation import too_large_message
from .common import (
    PAGE_SIZE,
    detail_context,
    document_for,
    is_xhr,
    upload_context,
    upload_done,
    upload_refused,
    workspace_for,
)


def document_list(request, slug: str):
    workspace = workspace_for(request, slug)
    filters = DocumentFilterForm(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    qs = document_list_visible(
        user=request.user,
        workspace=workspace,
        q=params.get("q", ""),
        mime_type=params.get("type", ""),
        visibility=params.get("visibility", ""),
        sort=params.get("sort") or "recent",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in params.items() if v}
    return render(
        request,
        "documents/list.html",
        {
            "workspace": workspace,
            "page_obj": page,
            "filters": filters,
            "query_string": urlencode(query),
            "can_upload": WORKSPACE_POLICY.check(request.user, workspace, "add_document"),
            "can_view_trash": WORKSPACE_POLICY.check(request.user, workspace, "view_trash"),
        },
    )


@login_required
def _upload_declared_too_large(request, slug: str):
    """A body declared over the limit, answered without reading it: the same page as a refused
    upload, with an empty form (the fields were in the unread body)."""
    workspace = workspace_for(request, slug, "add_document")
    form = UploadForm(workspace=workspace)
    context = upload_context(workspace, form)
    return upload_refused(request, "documents/upload.html", context, form, too_large_message(), 413)


@csrf_exempt
@streaming_upload(too_large_response=_upload_declared_too_large)
@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, slug: str):
    workspace = workspace_for(request, slug, "add_document")
    template = "documents/upload.html"
    # A project sheet's page links here with ?sheet=<id> to file the upload under that sheet.
    initial = {"sheet": request.GET.get("sheet")} if request.GET.get("sheet", "").isdigit() else {}
    form = UploadForm(
        request.POST or None, request.FILES or None, workspace=workspace, initial=initial
    )
    context = upload_context(workspace, form)
    if request.method != "POST":
        return render(request, template, context)
    if upload_too_large(request):
        return upload_refused(request, template, context, form, too_large_message(), 413)
    if not form.is_valid():
        if is_xhr(request):
            return JsonResponse(
                {"detail": _("Formulaire invalide."), "errors": form.errors}, status=400
            )
        return render(request, template, context, status=400)
    data = form.cleaned_data
    # Refusals (size, type, quota) belong to the file field: the error goes there, not above.
    stored = attempt(
        request,
        lambda: document_create(
            actor=request.user,
            workspace=workspace,
            file=data["file"],
            name=data["file"].name,
            title=data["title"],
            description=data["description"],
            visibility=data["visibility"],
            sheet=data["sheet"],
        ),
        quiet=True,
    )
    if stored.error is not None:
        return upload_refused(request, template, context, form, stored.error.message, stored.status)
    return upload_done(request, stored.value, _("Document déposé."))


def document_detail(request, pk: int):
    document = document_for(request, pk)
    return render(request, "documents/detail.html", detail_context(request, document))


def document_download(request, pk: int, number: int | None = None):
    document = document_for(request, pk)
    if number is None:
        revision = document.current_revision
        if revision is None:
            raise Http404
    else:
        revision = document_revision_get(document=document, number=number)
    return revision_page_response(request, revision)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int):
    document = document_for(request, pk, "change")
    form = DocumentForm(request.POST or None, instance=document)
    context = {"document": document, "form": form}
    if request.method != "POST":
        return render(request, "documents/edit.html", context)
    if form.is_valid():
        # The form wrote its values on `document`: start again from the stored row.
        document.refresh_from_db()
        updated = attempt(
            request,
            lambda: document_update(actor=request.user, document=document, **form.cleaned_data),
            form=form,
        )
        if updated.ok:
            messages.success(request, _("Document mis à jour."))
            return redirect(document)
    return render(request, "documents/edit.html", context, status=400)
