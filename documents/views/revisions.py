"""A document's versions: upload a new one, make an old one current again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from core.http import status_for

from ..errors import DocumentError
from ..forms import (
    RevisionForm,
)
from ..permissions import (
    can_add_revision,
)
from ..selectors import (
    document_get_visible,
    document_revision_get,
)
from ..services import (
    document_revision_add,
    document_revision_restore,
)
from ..upload import streaming_upload, upload_too_large
from ..validation import too_large_message
from .common import detail_context, file_error, is_xhr


@login_required
def _revision_declared_too_large(request, pk: int):
    """A new version declared over the limit: the document page again, the error on the
    new-version form, without reading the body."""
    document = document_get_visible(user=request.user, pk=pk)
    if not can_add_revision(request.user, document):
        raise PermissionDenied
    message = too_large_message()
    if is_xhr(request):
        return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=413)
    form = RevisionForm()
    file_error(form, message)
    context = detail_context(request, document, revision_form=form)
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
                message, status = error.message, status_for(error)
        else:
            message = _("Choisissez un fichier.")
    if message:
        if is_xhr(request):
            return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=status)
        messages.error(request, message)
        return redirect(document)
    messages.success(request, _("Nouvelle version déposée."))
    if is_xhr(request):
        return JsonResponse({"redirect": document.get_absolute_url()}, status=201)
    return redirect(document)


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
