"""A document's versions: upload a new one, make an old one current again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from interface.views import attempt, policy_require

from ..forms import (
    RevisionForm,
)
from ..permissions import DOCUMENT_POLICY
from ..selectors import (
    document_revision_get,
)
from ..services import (
    document_revision_add,
    document_revision_restore,
)
from ..upload import streaming_upload, upload_too_large
from ..validation import too_large_message
from .common import detail_context, document_for, file_error, file_refused_json, is_xhr, upload_done


@login_required
def _revision_declared_too_large(request, pk: int):
    """A new version declared over the limit: the document page again, the error on the
    new-version form, without reading the body."""
    document = document_for(request, pk, "add_revision")
    message = too_large_message()
    if is_xhr(request):
        return file_refused_json(message, 413)
    form = RevisionForm()
    file_error(form, message)
    context = detail_context(request, document, revision_form=form)
    return render(request, "documents/detail.html", context, status=413)


def _revision_refused(request, document, message: str, status: int):
    """The upload script gets the refusal as JSON; the page, as a message above the document."""
    if is_xhr(request):
        return file_refused_json(message, status)
    messages.error(request, message)
    return redirect(document)


@csrf_exempt
@streaming_upload(too_large_response=_revision_declared_too_large)
@csrf_protect
@login_required
@require_POST
def revision_upload(request, pk: int):
    document = document_for(request, pk, "add_revision")
    if upload_too_large(request):
        return _revision_refused(request, document, too_large_message(), 413)
    form = RevisionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _revision_refused(request, document, _("Choisissez un fichier."), 400)
    file = form.cleaned_data["file"]
    stored = attempt(
        request,
        lambda: document_revision_add(
            actor=request.user, document=document, file=file, name=file.name
        ),
        quiet=True,
    )
    if stored.error is not None:
        return _revision_refused(request, document, stored.error.message, stored.status)
    return upload_done(request, document, _("Nouvelle version déposée."))


@login_required
@require_POST
def revision_restore(request, pk: int, number: int):
    document = document_for(request, pk)
    # A version that does not exist is 404 before the 403 of who may not restore: anyone who
    # sees the document sees its list of versions, so this tells them nothing new.
    document_revision_get(document=document, number=number)
    policy_require(request, DOCUMENT_POLICY, document, "add_revision")
    restored = attempt(
        request,
        lambda: document_revision_restore(actor=request.user, document=document, number=number),
    )
    if restored.value is not None:
        messages.success(
            request,
            _("La version %(old)s est redevenue courante (version %(new)s).")
            % {"old": number, "new": restored.value.number},
        )
    return redirect(document)
