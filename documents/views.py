"""Pages of the documents app: workspace list, upload, document page, trash, shared links."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.throttling import client_ip, seconds_until
from events.selectors import activity_list_for_target
from workspace.selectors import workspace_get_visible

from .errors import DocumentError, ShareLinkLocked
from .forms import (
    DocumentFilterForm,
    DocumentForm,
    RevisionForm,
    ShareLinkForm,
    SharePasswordForm,
    UploadForm,
)
from .models import ShareLink
from .permissions import (
    can_add_document,
    can_add_revision,
    can_change_document,
    can_manage_share_links,
    can_restore_document,
    can_trash_document,
    can_view_trash,
)
from .selectors import (
    document_get_visible,
    document_list_visible,
    document_revision_get,
    document_revision_list,
    document_sheet_for,
    document_trash_list,
    document_workspace_for,
    share_link_list,
)
from .services import (
    document_create,
    document_purge,
    document_restore,
    document_revision_add,
    document_revision_restore,
    document_trash,
    document_update,
    share_link_check_password,
    share_link_create,
    share_link_resolve,
    share_link_revoke,
)
from .storage import revision_page_response
from .upload import streaming_upload, upload_too_large
from .validation import too_large_message

PAGE_SIZE = 25


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


def _is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _file_error(form, message: str) -> None:
    """Show `message` as the file field's only error, on a bound or an unbound form."""
    form.is_valid()
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.errors.pop("file", None)
    form.add_error("file", message)


def _upload_refused(request, template: str, context: dict, form, message: str, status: int):
    if _is_xhr(request):
        return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=status)
    _file_error(form, message)
    return render(request, template, context, status=status)


def _upload_context(workspace, form) -> dict:
    return {
        "workspace": workspace,
        "form": form,
        "upload_max_bytes": settings.FABRIQUE_UPLOAD_MAX_BYTES,
    }


@login_required
def _upload_declared_too_large(request, slug: str):
    """A body declared over the limit, answered without reading it: the same page as a refused
    upload, with an empty form (the fields were in the unread body)."""
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_add_document(request.user, workspace):
        raise PermissionDenied
    form = UploadForm(workspace=workspace)
    context = _upload_context(workspace, form)
    return _upload_refused(
        request, "documents/upload.html", context, form, too_large_message(), 413
    )


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
    context = _upload_context(workspace, form)
    if request.method == "POST":
        if upload_too_large(request):
            return _upload_refused(request, template, context, form, too_large_message(), 413)
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
                return _upload_refused(
                    request, template, context, form, error.message, error.status_code
                )
            messages.success(request, _("Document déposé."))
            if _is_xhr(request):
                return JsonResponse({"redirect": document.get_absolute_url()}, status=201)
            return redirect(document)
        if _is_xhr(request):
            return JsonResponse(
                {"detail": _("Formulaire invalide."), "errors": form.errors}, status=400
            )
        return render(request, template, context, status=400)
    return render(request, template, context)


def _detail_context(request, document, *, revision_form=None) -> dict:
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


def document_detail(request, pk: int):
    document = document_get_visible(user=request.user, pk=pk)
    return render(request, "documents/detail.html", _detail_context(request, document))


@login_required
def _revision_declared_too_large(request, pk: int):
    """A new version declared over the limit: the document page again, the error on the
    new-version form, without reading the body."""
    document = document_get_visible(user=request.user, pk=pk)
    if not can_add_revision(request.user, document):
        raise PermissionDenied
    message = too_large_message()
    if _is_xhr(request):
        return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=413)
    form = RevisionForm()
    _file_error(form, message)
    context = _detail_context(request, document, revision_form=form)
    return render(request, "documents/detail.html", context, status=413)


@csrf_exempt
@streaming_upload(too_large_response=_revision_declared_too_large)
@csrf_protect
@login_required
@require_POST
def revision_upload(request, pk: int):
    document = document_get_visible(user=request.user, pk=pk)
    if not can_add_revision(request.user, document):
        raise PermissionDenied
    message = None
    status = 400
    if upload_too_large(request):
        message, status = too_large_message(), 413
    else:
        form = RevisionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document_revision_add(
                    actor=request.user,
                    document=document,
                    file=form.cleaned_data["file"],
                    name=form.cleaned_data["file"].name,
                )
            except DocumentError as error:
                message, status = error.message, error.status_code
        else:
            message = _("Choisissez un fichier.")
    if message:
        if _is_xhr(request):
            return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=status)
        messages.error(request, message)
        return redirect(document)
    messages.success(request, _("Nouvelle version déposée."))
    if _is_xhr(request):
        return JsonResponse({"redirect": document.get_absolute_url()}, status=201)
    return redirect(document)


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
@require_POST
def revision_restore(request, pk: int, number: int):
    document = document_get_visible(user=request.user, pk=pk)
    document_revision_get(document=document, number=number)
    if not can_add_revision(request.user, document):
        raise PermissionDenied
    try:
        revision = document_revision_restore(actor=request.user, document=document, number=number)
        messages.success(
            request,
            _("La version %(old)s est redevenue courante (version %(new)s).")
            % {"old": number, "new": revision.number},
        )
    except DocumentError as error:
        messages.error(request, error.message)
    return redirect(document)


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


@login_required
@require_POST
def share_link_create_view(request, pk: int):
    document = document_get_visible(user=request.user, pk=pk)
    if not can_manage_share_links(request.user, document):
        raise PermissionDenied
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(document)
    data = form.cleaned_data
    expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59, 59)))
    try:
        _link, token = share_link_create(
            actor=request.user,
            document=document,
            expires_at=expires_at,
            password=data["password"],
            label=data["label"],
        )
    except DocumentError as error:
        messages.error(request, error.message)
        return redirect(document)
    # Shown once on the next page: only the token's hash is stored.
    request.session[f"share-link-{document.pk}"] = request.build_absolute_uri(
        reverse("documents:shared", args=[token])
    )
    messages.success(
        request, _("Lien de partage créé. Copiez-le maintenant : il ne sera plus affiché.")
    )
    return redirect(document)


@login_required
@require_POST
def share_link_revoke_view(request, pk: int, link_id: int):
    document = document_get_visible(user=request.user, pk=pk)
    if not can_manage_share_links(request.user, document):
        raise PermissionDenied
    link = get_object_or_404(ShareLink, pk=link_id, document=document)
    try:
        share_link_revoke(actor=request.user, link=link)
        messages.success(request, _("Lien révoqué."))
    except DocumentError as error:
        messages.error(request, error.message)
    return redirect(document)


@require_http_methods(["GET", "POST"])
def shared_document(request, token: str) -> HttpResponse:
    """A share link: the document's page for outsiders, or its password form; nothing else."""
    link = share_link_resolve(token=token)
    if link is None:
        raise Http404
    document = link.document
    form = SharePasswordForm(request.POST or None)
    session_key = f"share-ok-{link.pk}"
    unlocked = not link.has_password or request.session.get(session_key)
    if link.has_password and request.method == "POST":
        try:
            opened = form.is_valid() and share_link_check_password(
                link=link, password=form.cleaned_data["password"], client_ip=client_ip(request)
            )
        except ShareLinkLocked as locked:
            response = render(
                request,
                "documents/shared_password.html",
                {"form": SharePasswordForm(), "error": locked.message},
                status=429,
            )
            response["Retry-After"] = str(seconds_until(locked.retry_at))
            return response
        if opened:
            request.session[session_key] = True
            return redirect("documents:shared", token=token)
        form = SharePasswordForm()
        return render(
            request,
            "documents/shared_password.html",
            {"form": form, "error": _("Mot de passe incorrect.")},
            status=403,
        )
    if not unlocked:
        return render(request, "documents/shared_password.html", {"form": form})
    if request.GET.get("download"):
        if document.current_revision is None:
            raise Http404
        return revision_page_response(
            request, document.current_revision, back_url=reverse("documents:shared", args=[token])
        )
    response = render(
        request, "documents/shared.html", {"document": document, "link": link, "token": token}
    )
    response["Referrer-Policy"] = "no-referrer"
    return response
