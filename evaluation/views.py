"""The questionnaire page of a sheet (its results are on the sheet page's evaluation card)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interface.views import policy_object, posted, service_call
from projects.models import ParticipationLevel
from projects.permissions import SHEET_POLICY
from projects.selectors import sheet_queryset

from .forms import AnswerForm
from .questionnaire import QUESTIONS, Pillar, Role
from .selectors import answer_of, evaluation_open, evaluation_participant, sheet_evaluation
from .services import answer_submit


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = policy_object(request, SHEET_POLICY, queryset=sheet_queryset(), pk=pk)
    mine = answer_of(user=request.user, sheet=sheet)
    is_open = evaluation_open(sheet)
    may = is_open and mine is None and evaluation_participant(user=request.user, sheet=sheet)
    form = AnswerForm(posted(request) if may else None)
    status = 200
    if request.method == "POST":
        status = 400
        if not may:
            # Said on the page, with the status the API would answer.
            status = 409 if (mine is not None or not is_open) else 403
        elif form.is_valid():
            answer, status = service_call(
                request,
                form,
                lambda: answer_submit(
                    actor=request.user,
                    sheet=sheet,
                    role=form.cleaned_data["role"],
                    scores=form.scores(),
                ),
            )
            if answer is not None:
                messages.success(request, _("Merci : votre réponse est enregistrée."))
                return redirect(f"{sheet.get_absolute_url()}#evaluation")
    context = {
        "sheet": sheet,
        "form": form,
        "open": is_open,
        "mine": mine,
        "may": may,
        "signed_in": request.user.is_authenticated,
        "my_scores": _my_scores(mine),
    }
    return render(request, "evaluation/questionnaire.html", context, status=status)


def _my_scores(mine) -> list[dict]:
    if mine is None:
        return []
    return [
        {"pillar": Pillar(q.pillar).label, "text": q.text, "score": mine.scores.get(q.code)}
        for q in QUESTIONS
    ]


def evaluation_card(user, sheet) -> dict | None:
    """What the sheet page's evaluation card shows (portal composes it); None before the
    evaluation stage."""
    data = sheet_evaluation(user=user, sheet=sheet)
    if not data["available"]:
        return None
    level = data["participation_level"]
    survey = data["questionnaire"]
    role_labels = dict(Role.choices)

    roles = survey["by_role"]
    table = [
        {
            "label": label,
            "all": (survey["pillars"] or {}).get(code),
            "roles": [row["pillars"][code] for row in roles],
        }
        for code, label in Pillar.choices
    ]
    return {
        **data,
        "promised_label": ParticipationLevel(level["promised"]).label,
        "delivered_label": ParticipationLevel(level["delivered"]).label,
        "kept": not level["flags"],
        "table": table if survey["pillars"] else [],
        "role_headers": [
            {"label": role_labels[row["role"]], "answers": row["answers"]} for row in roles
        ],
    }
