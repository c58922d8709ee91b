"""Pages of meetings: the meeting (details, accessibility, calendar, registration working
without script), the confirmation and cancellation links, the organisers' list and its CSV, and
the restitution form."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from documents.permissions import DOCUMENT_POLICY
from interface.views import attempt, policy_object
from projects.permissions import SHEET_POLICY
from territories.models import Territory

from .forms import MeetingForm, RegistrationForm, RestitutionForm
from .models import Meeting, Registration
from .permissions import can_organise, can_organise_for_territory, can_organise_on_sheet
from .selectors import (
    meeting_get_visible,
    registrants_for_organiser,
    registration_of,
    seats_taken,
)
from .services import (
    EDITABLE,
    meeting_cancel,
    meeting_create,
    meeting_restitution_publish,
    meeting_update,
    registration_cancel,
    registration_cancel_by_token,
    registration_confirm,
    registration_create,
)
from .throttle import anonymous_registration_allowed

TOKEN_MAX = 400


def _registered_message(registration: Registration) -> str:
    if registration.state == Registration.State.PENDING:
        return _(
            "Presque fini : un lien de confirmation vient de vous être envoyé par courriel. "
            "La place vous est attribuée à la confirmation, s'il en reste une (sinon, la liste "
            "d'attente) ; sans confirmation sous 48 heures, l'inscription est annulée."
        )
    if registration.state == Registration.State.WAITING:
        return _("La réunion est complète : vous êtes sur la liste d'attente.")
    return _("Vous êtes inscrit·e.")


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_visible(user=request.user, pk=pk)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if (
            not request.user.is_authenticated
            and form.is_valid()
            and not anonymous_registration_allowed(request)
        ):
            form.add_error(
                None, _("Trop d'inscriptions depuis cette connexion : réessayez dans une heure.")
            )
            status = 429
        if request.user.is_authenticated or (form.is_valid() and not form.errors):
            values = form.cleaned_data if not request.user.is_authenticated else {}
            done = attempt(
                request,
                lambda: registration_create(
                    actor=request.user,
                    meeting=meeting,
                    name=values.get("name", ""),
                    email=values.get("email", ""),
                ),
                form=form,
            )
            if done.ok and done.value is not None:
                messages.success(request, _registered_message(done.value))
                return redirect(meeting)
            status = done.status
    documents = list(meeting.documents.all()) if meeting.restitution_published_at else []
    context = {
        "meeting": meeting,
        "form": form,
        "seats": seats_taken(meeting),
        "mine": registration_of(user=request.user, meeting=meeting),
        "organiser": can_organise(request.user, meeting),
        "documents": [d for d in documents if DOCUMENT_POLICY.check(request.user, d)],
        "open": meeting.state == Meeting.State.SCHEDULED and not meeting.is_past,
    }
    return render(request, "meetings/meeting.html", context, status=status)


@require_POST
def my_registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_visible(user=request.user, pk=pk)
    mine = registration_of(user=request.user, meeting=meeting)
    if mine is None:
        messages.error(request, _("Vous n'êtes pas inscrit·e à cette réunion."))
        return redirect(meeting)
    if attempt(request, lambda: registration_cancel(actor=request.user, registration=mine)).ok:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect(meeting)


def _token_page(request: HttpRequest, token: str, *, action: str) -> HttpResponse:
    context = {"action": action, "token": token, "done": None, "error": None}
    status = 200
    if len(token) > TOKEN_MAX:
        context["error"] = _("Ce lien n'est pas valide.")
        return render(request, "meetings/token.html", context, status=400)
    if request.method == "POST":
        call = registration_confirm if action == "confirm" else registration_cancel_by_token
        done = attempt(request, lambda: call(token=token), quiet=True)
        if done.ok:
            context["done"] = done.value
        else:
            context["error"] = done.error.message if done.error else ""
            status = 400
    return render(request, "meetings/token.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows a button: a link scanner opening the e-mail confirms nothing."""
    return _token_page(request, token, action="confirm")


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, action="cancel")


def _organiser_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = meeting_get_visible(user=request.user, pk=pk)
    if not can_organise(request.user, meeting):
        raise PermissionDenied
    return meeting


def registrants(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _organiser_meeting(request, pk)
    rows = registrants_for_organiser(user=request.user, meeting=meeting)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="inscrits-{meeting.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow([_("nom"), _("adresse"), _("état"), _("confirmée"), _("date")])
        for row in rows:
            writer.writerow(
                [
                    _csv_safe(row.name),
                    _csv_safe(row.email),
                    row.get_state_display(),
                    _("oui") if row.confirmed_at else _("non"),
                    row.created.isoformat(),
                ]
            )
        return response
    return render(
        request,
        "meetings/registrants.html",
        {"meeting": meeting, "rows": rows, "seats": seats_taken(meeting)},
    )


@require_POST
def meeting_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser calls the meeting off: registrants are told by e-mail, followers hear."""
    meeting = _organiser_meeting(request, pk)
    if attempt(request, lambda: meeting_cancel(actor=request.user, meeting=meeting)).ok:
        messages.success(request, _("La réunion est annulée ; les inscrit·es sont prévenu·es."))
    return redirect(meeting)


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote instead."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_http_methods(["GET", "HEAD", "POST"])
def restitution(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _organiser_meeting(request, pk)
    documents = (
        DOCUMENT_POLICY.visible(request.user).filter(sheet_id=meeting.sheet_id)
        if meeting.sheet_id
        else DOCUMENT_POLICY.visible(request.user).none()
    )
    initial = {
        "minutes": meeting.minutes,
        "attendance": meeting.attendance,
        "presentation": meeting.presentation,
        "documents": list(meeting.documents.all()),
    }
    form = RestitutionForm(
        request.POST if request.method == "POST" else None, initial=initial, documents=documents
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            done = attempt(
                request,
                lambda: meeting_restitution_publish(
                    actor=request.user,
                    meeting=meeting,
                    minutes=values["minutes"],
                    attendance=values["attendance"],
                    presentation=values["presentation"],
                    documents=values["documents"],
                ),
                form=form,
            )
            if done.ok:
                messages.success(request, _("La restitution est publiée."))
                return redirect(meeting)
            status = done.status
    context = {"meeting": meeting, "form": form}
    return render(request, "meetings/restitution.html", context, status=status)


def _announce(
    request: HttpRequest, *, sheet: Any = None, territory: Territory | None = None
) -> HttpResponse:
    """The announcement form of a meeting of a sheet or of a territory without a sheet, shown
    then posted (the caller has checked who may organise it)."""
    form = MeetingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in EDITABLE}
            done = attempt(
                request,
                lambda: meeting_create(
                    actor=request.user, sheet=sheet, territory=territory, **values
                ),
                form=form,
            )
            if done.ok and done.value is not None:
                messages.success(request, _("La réunion est annoncée."))
                return redirect(done.value)
            status = done.status
    context: dict[str, Any] = {"form": form, "sheet": sheet, "meeting": None}
    if territory is not None:
        context.update(territory=territory, territory_url=territory_page_url(territory))
    return render(request, "meetings/meeting_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest, sheet: int) -> HttpResponse:
    """An organiser announces a meeting or a workshop of a sheet (staff, an official, or the
    sheet's workspace editors; others who see the sheet: 403; a hidden sheet: 404)."""
    target = policy_object(request, SHEET_POLICY, pk=sheet)
    if not can_organise_on_sheet(request.user, target):
        raise PermissionDenied
    return _announce(request, sheet=target)


def territory_page_url(territory: Territory) -> str:
    """The portal's page of a territory (named routes: meetings does not import portal)."""
    if territory.kind == Territory.Kind.QUARTIER and territory.parent is not None:
        return reverse("portal:quartier", args=[territory.parent.slug, territory.slug])
    if territory.kind == Territory.Kind.COMMUNE:
        return reverse("portal:commune", args=[territory.slug])
    return reverse("portal:territories")


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new_for_territory(request: HttpRequest, territory: str) -> HttpResponse:
    """An organiser announces a meeting of a territory without a sheet (staff and officials,
    as `meeting_create` allows; anyone else 403; an unknown territory 404)."""
    target = get_object_or_404(Territory.objects.select_related("parent"), slug=territory)
    if not can_organise_for_territory(request.user):
        raise PermissionDenied
    return _announce(request, territory=target)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser changes a meeting still to come (registrants told by the notifications)."""
    meeting = _organiser_meeting(request, pk)
    initial = {name: getattr(meeting, name) for name in EDITABLE}
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            done = attempt(
                request,
                lambda: meeting_update(actor=request.user, meeting=meeting, **changed),
                form=form,
            )
            if done.ok:
                messages.success(request, _("La réunion est modifiée."))
                return redirect(meeting)
            status = done.status
    context = {"form": form, "sheet": meeting.sheet, "meeting": meeting}
    return render(request, "meetings/meeting_form.html", context, status=status)
