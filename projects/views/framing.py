"""Officials' framing notes on a sheet: write one, edit a draft, publish it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt, policy_require

from ..forms import FramingNoteForm
from ..models import FramingNote
from ..permissions import FRAMING_NOTE_POLICY
from ..selectors import framing_note_get_visible
from ..services import framing_note_create, framing_note_publish, framing_note_update
from .base import sheet_object, sign_in_first


def _ask_before_publishing(request, sheet, *, from_form: bool = True) -> HttpResponse | None:
    """Publishing cannot be undone: the page asks first. From the note's form (its "Publier"
    button posts action=publish) it also offers to keep the text as a draft instead."""
    if from_form and request.POST.get("action") != "publish" or confirmed(request):
        return None
    return confirmation_page(
        request,
        Confirmation(
            title=_("Publier la note de cadrage de « %(title)s » ?") % {"title": sheet.title},
            consequence=_(
                "Publiée, la note devient publique sur la fiche et ne peut plus être modifiée. "
                "Une note publiée plus tard la remplacera ; celle-ci restera lisible comme "
                "remplacée."
            ),
            action_label=_("Oui, publier la note"),
            cancel_url=sheet.get_absolute_url(),
            choice=("action", "publish") if from_form else None,
            fallback=(_("Non, l'enregistrer comme brouillon"), "draft") if from_form else None,
        ),
    )


@sign_in_first
@require_http_methods(["GET", "POST"])
def framing_note_create_view(request, pk: int):
    sheet = sheet_object(request, pk, "frame")
    form = FramingNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if asked := _ask_before_publishing(request, sheet):
            return asked
        publish = request.POST.get("action") == "publish"
        done = attempt(
            request,
            lambda: framing_note_create(
                actor=request.user, sheet=sheet, publish=publish, **form.cleaned_data
            ),
            form=form,
        )
        if done.ok:
            messages.success(
                request,
                _("Note de cadrage publiée.") if publish else _("Brouillon enregistré."),
            )
            return redirect(sheet)
    return render(
        request, "projects/framing_form.html", {"form": form, "sheet": sheet, "creating": True}
    )


def _draft(request, pk: int, note_id: int) -> FramingNote:
    """The note (404 unless its sheet and the note itself are visible) if the user may change it
    (403): its author, while it is a draft. `note.sheet` is the sheet loaded here."""
    sheet = sheet_object(request, pk)
    note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
    policy_require(request, FRAMING_NOTE_POLICY, note, "change")
    return note


@require_http_methods(["GET", "POST"])
def framing_note_edit(request, pk: int, note_id: int):
    note = _draft(request, pk, note_id)
    form = FramingNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        if asked := _ask_before_publishing(request, note.sheet):
            return asked

        def save() -> FramingNote:
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            saved = framing_note_update(actor=request.user, note=note, **fields)
            if request.POST.get("action") == "publish":
                framing_note_publish(actor=request.user, note=saved)
            return saved

        if attempt(request, save, form=form).ok:
            messages.success(request, _("Note de cadrage enregistrée."))
            return redirect(note.sheet)
    return render(
        request, "projects/framing_form.html", {"form": form, "sheet": note.sheet, "note": note}
    )


@require_POST
def framing_note_publish_view(request, pk: int, note_id: int):
    note = _draft(request, pk, note_id)
    if asked := _ask_before_publishing(request, note.sheet, from_form=False):
        return asked
    if attempt(request, lambda: framing_note_publish(actor=request.user, note=note)).ok:
        messages.success(request, _("Note de cadrage publiée."))
    return redirect(note.sheet)
