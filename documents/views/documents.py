"""Document pages: workspace list, upload, document page, edit, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from core.http import status_for
from workspace.selectors import workspace_get_visible

from ..errors import DocumentError
from ..forms import (
    DocumentFilterForm,
    DocumentForm,
    UploadForm,
)
from ..permissions import (
    can_add_document,
    can_change_document,
    can_view_trash,
)
from ..selectors import (
    document_get_visible,
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
from .common import PAGE_SIZE, detail_context, is_xhr, upload_context, upload_refused


def document_list(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
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
            "can_upload": can_add_document(request.user, workspace),
            "can_view_trash": can_view_trash(request.user, workspace),
        },
    )


@login_required
def _upload_declared_too_large(request, slug: str):
    """A body declared over the limit, answered without reading it: the same page as a refused
    upload, with an empty form (the fields were in the unread body)."""
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_add_document(request.user, workspace):
        raise PermissionDenied
    form = UploadForm(workspace=workspace)
    context = upload_context(workspace, form)
    return upload_refused(request, "documents/upload.html", context, form, too_large_message(), 413)


@csrf_exempt
@streaming_upload(too_large_response=_upload_declared_too_large)
@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_add_document(request.user, workspace):
        raise PermissionDenied
    template = "documents/upload.html"
    # A project sheet's page links here with ?sheet=<id> to file the upload under that sheet.
    initial = {"sheet": request.GET.get("sheet")} if request.GET.get("sheet", "").isdigit() else {}
    form = UploadForm(
        request.POST or None, request.FILES or None, workspace=workspace, initial=initial
    )
    context = upload_context(workspace, form)
    if request.method == "POST":
        if upload_too_large(request):
            return upload_refused(request, template, context, form, too_large_message(), 413)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = document_create(
                    actor=request.user,
                    workspace=workspace,
                    file=data["file"],
                    name=data["file"].name,
                    title=data["title"],
                    description=data["description"],
                    visibility=data["visibility"],
                    sheet=data["sheet"],
                )
            except DocumentError as error:
                return upload_refused(
                    request, template, context, form, error.message, status_for(error)
                )
            messages.success(request, _("Document déposé."))
            if is_xhr(request):
                return JsonResponse({"redirect": document.get_absolute_url()}, status=201)
            return redirect(document)
        if is_xhr(request):
            return JsonResponse(
                {"detail": _("Formulaire invalide."), "errors": form.errors}, status=400
            )
        return render(request, template, context, status=400)
    return render(request, template, context)


def document_detail(request, pk: int):
    document = document_get_visible(user=request.user, pk=pk)
    return render(request, "documents/detail.html", detail_context(request, document))


def document_download(request, pk: int, number: int | None = None):
    document = document_get_visible(user=request.user, pk=pk)
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
    document = document_get_visible(user=request.user, pk=pk)
    if not can_change_document(request.user, document):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST":
        if form.is_valid():
            # The form wrote its values on `document`: start again from the stored row.
            document.refresh_from_db()
            try:
                document_update(actor=request.user, document=document, **form.cleaned_data)
            except DocumentError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Document mis à jour."))
                return redirect(document)
        return render(
            request, "documents/edit.html", {"document": document, "form": form}, status=400
        )
    return render(request, "documents/edit.html", {"document": document, "form": form})
