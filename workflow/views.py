"""Pages of the workflow app: the staff board, and the transition and attestation actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from errors import DomainError, ForbiddenError, NotFoundError
from interface.confirm import Confirmation, confirmation_page, confirmed, safe_back
from interface.page_cache import fragment_cached
from interface.views import attempt, policy_object
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY

from .errors import TransitionGated
from .forms import BoardFilterForm
from .machine import SHEET_STAGES
from .permissions import can_view_board
from .selectors import (
    BOARD_STAGES,
    board_page_completeness,
    board_sheet_list,
    board_stage_counts,
    sheet_queryset,
    transition_options,
)
from .services import attestation_create, attestation_withdraw, sheet_transition

BOARD_PAGE_SIZE = 50


def _sheet_url(sheet: ProjectSheet) -> str:
    try:
        return sheet.get_absolute_url()
    except NoReverseMatch:
        return "/"


def _back(request: HttpRequest, sheet: ProjectSheet) -> HttpResponseRedirect:
    """Back to the page the form was on when it is ours, else to the sheet."""
    return HttpResponseRedirect(safe_back(request, _sheet_url(sheet)))


def _refused(request: HttpRequest, error: DomainError) -> None:
    """A role that may not, or a transition or item the page never offered: 403, as a forged
    form deserves. Anything else (a stale page, an incomplete checklist, a missing note) is a
    message on the page the form was on, with what the checklist still lacks."""
    if isinstance(error, (ForbiddenError, NotFoundError)):
        raise PermissionDenied(error.message) from error
    text = error.message
    if isinstance(error, TransitionGated):
        missing = "; ".join(item["label"] for item in error.missing)
        text = f"{text} {_('Il manque :')} {missing}."
    messages.error(request, text)


@login_required
@require_POST
def transition_run(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The machine judges the role per transition (`can_run_transition`), on the locked row."""
    sheet = policy_object(request, SHEET_POLICY, queryset=sheet_queryset(), pk=pk)
    note = request.POST.get("note", "")
    if not confirmed(request):
        final = _final_option(request, sheet, name, note)
        if final is not None:
            return confirmation_page(
                request,
                Confirmation(
                    title=_("%(action)s « %(title)s » ?")
                    % {"action": final["label"], "title": sheet.title},
                    consequence=_(
                        "Le projet passera à l'étape « %(stage)s » et n'en sortira plus : il reste "
                        "lisible, mais plus personne ne pourra le modifier ni le faire avancer."
                    )
                    % {"stage": SHEET_STAGES.state_label(final["target"])},
                    action_label=_("Oui : %(action)s") % {"action": final["label"].lower()},
                    cancel_url=safe_back(request, _sheet_url(sheet)),
                    quote=note.strip(),
                ),
            )
    result = attempt(
        request,
        lambda: sheet_transition(
            actor=request.user,
            sheet=sheet,
            name=name,
            note=note,
            expected_stage=request.POST.get("stage") or None,
        ),
        quiet=True,
    )
    if result.error is not None:
        _refused(request, result.error)
    elif result.value is not None:
        sheet = result.value
        messages.success(
            request,
            _("La fiche est passée à l'étape « %(stage)s ».")
            % {"stage": sheet.get_stage_display()},
        )
    return _back(request, sheet)


def _final_option(
    request: HttpRequest, sheet: ProjectSheet, name: str, note: str
) -> dict[str, Any] | None:
    """The transition `name` when it would succeed now and leads to a stage with no way out (the
    page asks before running it); None otherwise: it runs, or the service says why it cannot."""
    expected = request.POST.get("stage")
    if expected and expected != sheet.stage:  # a stale page: the service says so at once
        return None
    for option in transition_options(user=request.user, sheet=sheet):
        if option["name"] == name and option["allowed"] and option["final"]:
            if option["note_required"] and not note.strip():
                return None
            return option
    return None


@login_required
@require_POST
def attestation(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Attest or withdraw; the service refuses whoever may not (`can_attest`)."""
    sheet = policy_object(request, SHEET_POLICY, queryset=sheet_queryset(), pk=pk)
    withdraw = request.POST.get("action") == "withdraw"
    service = attestation_withdraw if withdraw else attestation_create
    result = attempt(
        request, lambda: service(actor=request.user, sheet=sheet, code=code), quiet=True
    )
    if result.error is not None:
        _refused(request, result.error)
    else:
        messages.success(request, _("Attestation retirée.") if withdraw else _("Élément attesté."))
    return _back(request, sheet)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """All sheets by stage, for staff to track projects; filters keep the page one query deep.

    The board itself (filters, counts, the table) is kept for the same account, address and
    data generation (`fragment_cached`); who may see it is checked on every request."""
    if not can_view_board(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {}

    def board_html() -> str:
        context.update(_board_context(request))
        return render_to_string("workflow/board_content.html", context, request=request)

    context["board_html"] = fragment_cached(request, "board", board_html)
    return render(request, "workflow/board.html", context)


def _board_context(request: HttpRequest) -> dict[str, Any]:
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = board_sheet_list(
        user=request.user,
        territory=filters.get("territory") or None,
        theme=filters.get("theme") or None,
        workspace=filters.get("workspace") or None,
        stage=filters.get("stage") or None,
        completeness_below=filters.get("completeness_below"),
        completeness_at_least=filters.get("completeness_at_least"),
        stalled_days=filters.get("stalled_days"),
    )
    counts = board_stage_counts(qs)
    page = Paginator(qs.prefetch_related("themes"), BOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = board_page_completeness(list(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return {
        "form": form,
        "page_obj": page,
        "counts": [(stage, stage.label, counts[str(stage)]) for stage in BOARD_STAGES],
        "total": sum(counts.values()),
        "query_string": urlencode(query),
    }
