"""Officials' framing notes on a sheet: write one, edit a draft, publish it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interface.views import attempt, policy_require

from ..forms import FramingNoteForm
from ..models import FramingNote
from ..permissions import FRAMING_NOTE_POLICY
from ..selectors import framing_note_get_visible
from ..services import framing_note_create, framing_note_publish, framing_note_update
from .base import sheet_object, sign_in_first


@sign_in_first
@require_http_methods(["GET", "POST"])
def framing_note_create_view(request, pk: int):
    sheet = sheet_object(request, pk, "frame")
    form = FramingNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
    if attempt(request, lambda: framing_note_publish(actor=request.user, note=note)).ok:
        messages.success(request, _("Note de cadrage publiée."))
    return redirect(note.sheet)
