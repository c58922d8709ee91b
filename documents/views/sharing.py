"""Share links: create and revoke them, and the page an outsider opens with one."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.throttling import client_ip, seconds_until
from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt

from ..errors import ShareLinkLocked
from ..forms import (
    ShareLinkForm,
    SharePasswordForm,
)
from ..models import ShareLink
from ..services import (
    share_link_check_password,
    share_link_create,
    share_link_resolve,
    share_link_revoke,
)
from ..storage import revision_page_response
from .common import document_for


@login_required
@require_POST
def share_link_create_view(request, pk: int):
    document = document_for(request, pk, "share")
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(document)
    data = form.cleaned_data
    expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59, 59)))
    created = attempt(
        request,
        lambda: share_link_create(
            actor=request.user,
            document=document,
            expires_at=expires_at,
            password=data["password"],
            label=data["label"],
        ),
    )
    if created.value is not None:
        _link, token = created.value
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
    # "May manage links" (403) before the link (404), as on the API.
    document = document_for(request, pk, "share")
    link = get_object_or_404(ShareLink, pk=link_id, document=document)
    if link.is_active() and not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Révoquer ce lien de partage de « %(title)s » ?")
                % {"title": document.title},
                consequence=_(
                    "Les personnes qui ont reçu ce lien ne pourront plus ouvrir le document ; "
                    "un lien révoqué ne peut pas être réactivé, il faudra en créer un nouveau."
                ),
                action_label=_("Oui, révoquer le lien"),
                cancel_url=document.get_absolute_url(),
            ),
        )
    if attempt(request, lambda: share_link_revoke(actor=request.user, link=link)).ok:
        messages.success(request, _("Lien révoqué."))
    return redirect(document)


@require_http_methods(["GET", "POST"])
def shared_document(request, token: str) -> HttpResponse:
    """A share link: the document's page for outsiders, or its password form; nothing else."""
    link = share_link_resolve(token=token)
    if link is None:
        # Its own page, not the site's 404: the person holds a link someone gave them, and
        # needs to hear that it is over and whom to ask, not to sign in or check the address.
        return render(request, "documents/shared_gone.html", status=404)
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
