"""Sheet lists, and creating and editing a sheet (with the conflict page when someone saved a
newer version meanwhile)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interface.views import Attempt, attempt, policy_object
from territories.models import Territory, Theme
from workspace.permissions import WORKSPACE_POLICY
from workspace.selectors import workspace_queryset

from ..diff import DiffBudget, text_diff
from ..errors import SheetConflict
from ..forms import SheetForm, sheet_initial
from ..models import ParticipationLevel, ProjectSheet, Stage
from ..selectors import (
    ended_default,
    sheet_get_visible,
    sheet_list_filter,
    sheet_list_for_workspace,
    sheet_list_visible,
)
from ..services import sheet_create, sheet_update
from .base import sheet_object, sign_in_first

PAGE_SIZE = 20
T = TypeVar("T")


def _list_context(request, qs, *, under_way: bool = False) -> dict:
    """The list's filters and page; `under_way` (the public list) leaves the ended sheets to the
    archives unless a stage is asked for."""
    keys = ("stage", "territory", "theme", "q", "participation_level")
    filters = {k: request.GET.get(k, "").strip() for k in keys}
    if filters["participation_level"] not in ParticipationLevel.values:
        filters["participation_level"] = ""  # an unknown level is ignored: the whole list
    archived = ended_default(None, filters["stage"]) if under_way else None
    qs = sheet_list_filter(qs, archived=archived, **{k: v or None for k, v in filters.items()})
    page = Paginator(qs.order_by("-updated", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "filters": filters,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
        "stages": Stage.choices,
        "levels": ParticipationLevel.choices,
        "territories": Territory.objects.only("slug", "name", "kind").order_by("kind", "name"),
        "themes": Theme.objects.only("slug", "name"),
    }


def list(request):  # noqa: A001 - the URL name the base template links to
    context = _list_context(request, sheet_list_visible(user=request.user), under_way=True)
    context["under_way"] = True
    return render(request, "projects/list.html", context)


def workspace_sheets(request, slug: str):
    workspace = policy_object(request, WORKSPACE_POLICY, queryset=workspace_queryset(), slug=slug)
    context = _list_context(
        request, sheet_list_for_workspace(user=request.user, workspace=workspace)
    )
    context.update(
        {
            "workspace": workspace,
            "can_create": WORKSPACE_POLICY.check(request.user, workspace, "add_sheet"),
        }
    )
    return render(request, "projects/list.html", context)


def _attempt_on_form(request, form: SheetForm, call: Callable[[], T]) -> Attempt[T] | None:
    """`attempt` for the sheet form, whose services also validate the model: a model error is
    put on its field and gives None; a domain error goes above the fields."""
    try:
        return attempt(request, call, form=form)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@sign_in_first
@require_http_methods(["GET", "POST"])
def sheet_create_view(request, slug: str):
    workspace = policy_object(
        request, WORKSPACE_POLICY, "add_sheet", queryset=workspace_queryset(), slug=slug
    )
    form = SheetForm(request.POST or None, stage=Stage.INITIATIVE, creating=True)
    if request.method == "POST" and form.is_valid():
        done = _attempt_on_form(
            request,
            form,
            lambda: sheet_create(actor=request.user, workspace=workspace, **form.service_kwargs()),
        )
        if done and done.ok:
            messages.success(request, _("Fiche créée."))
            return redirect(done.value)
    return render(
        request, "projects/form.html", {"form": form, "workspace": workspace, "creating": True}
    )


@sign_in_first
@require_http_methods(["GET", "POST"])
def sheet_edit(request, pk: int):
    sheet = sheet_object(request, pk, "change", for_detail=True)
    if request.method == "GET":
        form = SheetForm(initial=sheet_initial(sheet), stage=sheet.stage)
        return render(request, "projects/form.html", {"form": form, "sheet": sheet})
    form = SheetForm(request.POST, stage=sheet.stage)
    if form.is_valid():
        base = form.cleaned_data.get("base_version") or 0
        done = _attempt_on_form(
            request,
            form,
            lambda: sheet_update(
                actor=request.user, sheet=sheet, base_version=base, **form.service_kwargs()
            ),
        )
        if done and isinstance(done.error, SheetConflict):
            return _conflict_page(request, sheet, form, done.error)
        if done and done.value is not None:
            number = done.value.current_version.number
            messages.success(request, _("Version %(n)s enregistrée.") % {"n": number})
            return redirect(done.value)
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
