"""Pages for project sheets: lists, create/edit (with conflict page), versions, diff, restore,
and officials' framing notes. The sheet page itself gathers documents and the workflow panel
too, so it is composed on the top floor (`portal.views.sheet_page`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from territories.models import Territory, Theme
from workspace.selectors import workspace_get_visible

from .diff import DiffBudget, text_diff
from .errors import SheetConflict, SheetError
from .forms import FramingNoteForm, SheetForm, sheet_initial
from .models import ProjectSheet, Stage
from .permissions import (
    can_change_framing_note,
    can_create_sheet,
    can_edit_sheet,
    can_restore_version,
    can_write_framing_note,
)
from .sections import sections_for_display
from .selectors import (
    framing_note_get_visible,
    sheet_get_visible,
    sheet_list_filter,
    sheet_list_for_workspace,
    sheet_list_visible,
    sheet_version_diff,
    sheet_version_get,
    sheet_version_list,
)
from .services import (
    framing_note_create,
    framing_note_publish,
    framing_note_update,
    sheet_create,
    sheet_update,
    sheet_version_restore,
)

PAGE_SIZE = 20


def _require_login(request) -> Any:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _list_context(request, qs) -> dict:
    filters = {k: request.GET.get(k, "").strip() for k in ("stage", "territory", "theme", "q")}
    qs = sheet_list_filter(qs, **{k: v or None for k, v in filters.items()})
    page = Paginator(qs.order_by("-updated", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "filters": filters,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
        "stages": Stage.choices,
        "territories": Territory.objects.only("slug", "name", "kind").order_by("kind", "name"),
        "themes": Theme.objects.only("slug", "name"),
    }


def list(request):  # noqa: A001 - the URL name the base template links to
    context = _list_context(request, sheet_list_visible(user=request.user))
    return render(request, "projects/list.html", context)


def workspace_sheets(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    context = _list_context(
        request, sheet_list_for_workspace(user=request.user, workspace=workspace)
    )
    context.update(
        {"workspace": workspace, "can_create": can_create_sheet(request.user, workspace)}
    )
    return render(request, "projects/list.html", context)


@require_http_methods(["GET", "POST"])
def sheet_create_view(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if (login := _require_login(request)) is not None:
        return login
    if not can_create_sheet(request.user, workspace):
        raise PermissionDenied
    form = SheetForm(request.POST or None, stage=Stage.INITIATIVE)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = sheet_create(actor=request.user, workspace=workspace, **form.service_kwargs())
        except ValidationError as error:
            _add_errors(form, error)
        except SheetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Fiche créée."))
            return redirect(sheet)
    return render(
        request, "projects/form.html", {"form": form, "workspace": workspace, "creating": True}
    )


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
def sheet_edit(request, pk: int):
    sheet = sheet_get_visible(user=request.user, pk=pk)
    if (login := _require_login(request)) is not None:
        return login
    if not can_edit_sheet(request.user, sheet):
        raise PermissionDenied
    if request.method == "GET":
        form = SheetForm(initial=sheet_initial(sheet), stage=sheet.stage)
        return render(request, "projects/form.html", {"form": form, "sheet": sheet})
    form = SheetForm(request.POST, stage=sheet.stage)
    if form.is_valid():
        base = form.cleaned_data.get("base_version") or 0
        try:
            sheet = sheet_update(
                actor=request.user, sheet=sheet, base_version=base, **form.service_kwargs()
            )
        except SheetConflict as conflict:
            return _conflict_page(request, sheet, form, conflict)
        except ValidationError as error:
            _add_errors(form, error)
        except SheetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Version %(n)s enregistrée.") % {"n": sheet.current_version.number},
            )
            return redirect(sheet)
    return render(request, "projects/form.html", {"form": form, "sheet": sheet})


def _conflict_page(request, sheet: ProjectSheet, form: SheetForm, conflict: SheetConflict):
    """Both texts side by side; the form keeps the user's text, now based on the current version
    so that saving again (after merging by hand) is a deliberate choice."""
    current = sheet_get_visible(user=request.user, pk=sheet.pk).current_version
    data = request.POST.copy()
    data["base_version"] = str(current.number)
    rebased = SheetForm(data, stage=sheet.stage)
    rebased.is_valid()
    mine = form.cleaned_data
    budget = DiffBudget()  # one work cap for the whole page, whatever the number of fields
    diffs = [
        text_diff(
            getattr(current, code) or "",
            mine.get(code) or "",
            label=label,
            code=code,
            budget=budget,
        )
        for code, label in (
            ("title", _("Titre")),
            ("summary", _("Résumé")),
            ("body", _("Description")),
        )
    ]
    for code in form.section_codes:
        theirs = str(current.sections.get(code, ""))
        value = mine.get(code)
        ours = "" if value is None else str(value)
        if code == "budget_amount" and value is not None:
            ours = f"{value:.2f}"
        diffs.append(
            text_diff(theirs, ours, label=form.fields[code].label, code=code, budget=budget)
        )
    context = {
        "sheet": sheet,
        "form": rebased,
        "current": current,
        "base_version": conflict.base_version,
        "diffs": [d for d in diffs if d.changed],
        "conflict": conflict,
    }
    return render(request, "projects/conflict.html", context, status=409)


def sheet_versions(request, pk: int):
    sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
    page = Paginator(sheet_version_list(sheet=sheet), 50).get_page(request.GET.get("page"))
    context = {
        "sheet": sheet,
        "page_obj": page,
        "can_restore": can_restore_version(request.user, sheet),
        # Row links built from these prefixes: one reverse() per page instead of three per row.
        "versions_url": reverse("projects:versions", args=[sheet.pk]),
        "diff_url": reverse("projects:diff", args=[sheet.pk]),
    }
    return render(request, "projects/versions.html", context)


def sheet_version(request, pk: int, number: int):
    sheet = sheet_get_visible(user=request.user, pk=pk)
    version = sheet_version_get(sheet=sheet, number=number)
    return render(
        request,
        "projects/version.html",
        {
            "sheet": sheet,
            "version": version,
            "sections": sections_for_display(version.sections, "archived"),
            "can_restore": can_restore_version(request.user, sheet),
        },
    )


def sheet_diff(request, pk: int):
    sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
    current = sheet.current_version.number
    try:
        to_number = int(request.GET.get("to") or current)
        from_number = int(request.GET.get("from") or max(to_number - 1, 1))
    except ValueError:
        raise Http404("Bad version number.") from None
    old, new, fields = sheet_version_diff(sheet=sheet, from_number=from_number, to_number=to_number)
    return render(
        request,
        "projects/diff.html",
        {"sheet": sheet, "old": old, "new": new, "fields": fields, "current": current},
    )


@require_POST
def sheet_restore(request, pk: int, number: int):
    sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
    sheet_version_get(sheet=sheet, number=number)
    if (login := _require_login(request)) is not None:
        return login
    if not can_restore_version(request.user, sheet):
        raise PermissionDenied
    try:
        sheet = sheet_version_restore(actor=request.user, sheet=sheet, number=number)
    except SheetError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Version %(old)s restaurée comme version %(new)s.")
            % {"old": number, "new": sheet.current_version.number},
        )
    return redirect(sheet)


@require_http_methods(["GET", "POST"])
def framing_note_create_view(request, pk: int):
    sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
    if (login := _require_login(request)) is not None:
        return login
    if not can_write_framing_note(request.user, sheet):
        raise PermissionDenied
    form = FramingNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            framing_note_create(
                actor=request.user, sheet=sheet, publish=publish, **form.cleaned_data
            )
        except SheetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Note de cadrage publiée.") if publish else _("Brouillon enregistré."),
            )
            return redirect(sheet)
    return render(
        request, "projects/framing_form.html", {"form": form, "sheet": sheet, "creating": True}
    )


@require_http_methods(["GET", "POST"])
def framing_note_edit(request, pk: int, note_id: int):
    sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
    note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
    if not can_change_framing_note(request.user, note):
        raise PermissionDenied
    form = FramingNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            note = framing_note_update(actor=request.user, note=note, **fields)
            if request.POST.get("action") == "publish":
                framing_note_publish(actor=request.user, note=note)
        except SheetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Note de cadrage enregistrée."))
            return redirect(sheet)
    return render(
        request, "projects/framing_form.html", {"form": form, "sheet": sheet, "note": note}
    )


@require_POST
def framing_note_publish_view(request, pk: int, note_id: int):
    sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
    note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
    if not can_change_framing_note(request.user, note):
        raise PermissionDenied
    try:
        framing_note_publish(actor=request.user, note=note)
    except SheetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Note de cadrage publiée."))
    return redirect(sheet)
