"""Pages of amendments: an amendment with its word diff (and withdrawal by its author), a round
(its rule, its candidates, then its results with the merit profiles) and the ballot.

The forms to open a round and to propose an amendment, and the accept/reject pages, come with
the rest of issue 14's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt, policy_object
from projects.diff import reading_diff
from projects.sections import FIELDS as SECTION_FIELDS

from .forms import BallotForm, candidate_label
from .models import Amendment, AmendmentRound, Grade
from .permissions import AMENDMENT_POLICY, ROUND_POLICY
from .selectors import ballot_of, round_candidates, round_judges, round_phase, round_results
from .services import amendable_fields, amendment_withdraw, ballot_cast, field_text, round_sync


def _amendment(request: HttpRequest, pk: int, action: str = "view") -> Amendment:
    return policy_object(
        request,
        AMENDMENT_POLICY,
        action,
        queryset=Amendment.objects.select_related(
            "sheet__workspace", "sheet__current_version", "round", "base_version", "author",
            "merged_version",
        ),
        pk=pk,
    )  # fmt: skip


def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _amendment(request, pk)
    markdown = amendment.field == "body" or (
        getattr(SECTION_FIELDS.get(amendment.field), "kind", "") == "markdown"
    )
    diff = reading_diff(
        field_text(amendment.base_version, amendment.field), amendment.text, markdown=markdown
    )
    label = amendable_fields(amendment.sheet).get(amendment.field, amendment.field)
    phase = round_phase(amendment.round)
    may_withdraw = (
        amendment.state == Amendment.State.SUBMITTED
        and phase == AmendmentRound.State.SUBMISSION
        and AMENDMENT_POLICY.check(request.user, amendment, "withdraw")
    )
    return render(
        request,
        "amendments/amendment_detail.html",
        {
            "amendment": amendment,
            "sheet": amendment.sheet,
            "field_label": label,
            "diff": diff,
            "phase": phase,
            "phase_label": AmendmentRound.State(phase).label,
            "may_withdraw": may_withdraw,
        },
    )


@login_required
@require_POST
def amendment_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _amendment(request, pk, "withdraw")
    back = amendment.get_absolute_url()
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Retirer votre amendement ?"),
                consequence=_(
                    "Il ne sera pas soumis au jugement. Un amendement retiré ne peut pas être "
                    "redéposé tel quel : il faudrait en proposer un nouveau pendant le dépôt."
                ),
                action_label=_("Oui, retirer mon amendement"),
                cancel_url=back,
            ),
        )
    done = attempt(request, lambda: amendment_withdraw(actor=request.user, amendment=amendment))
    if done.ok:
        messages.success(request, _("Amendement retiré."))
    return HttpResponseRedirect(back)


def _round(request: HttpRequest, pk: int, action: str = "view") -> AmendmentRound:
    return policy_object(
        request,
        ROUND_POLICY,
        action,
        queryset=AmendmentRound.objects.select_related(
            "sheet__workspace", "sheet__current_version"
        ),
        pk=pk,
    )


def _candidate_texts(round_: AmendmentRound) -> list[dict[str, Any]]:
    """Each candidate with what a judge reads: the current text, or the amendment's change."""
    sheet = round_.sheet
    labels = amendable_fields(sheet)
    current = sheet.current_version
    rows = []
    for candidate in round_candidates(round_):
        amendment = candidate["amendment"]
        markdown = candidate["field"] == "body" or (
            getattr(SECTION_FIELDS.get(candidate["field"]), "kind", "") == "markdown"
        )
        row = {
            **candidate,
            "anchor": candidate["id"].replace(":", "-"),
            "label": candidate_label(candidate, labels),
        }
        if amendment is None:
            row["text"] = field_text(current, candidate["field"])
        else:
            row["diff"] = reading_diff(
                field_text(amendment.base_version, amendment.field),
                amendment.text,
                markdown=markdown,
            )
        rows.append(row)
    return rows


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    phase = round_phase(round_)
    if phase == AmendmentRound.State.CLOSED and round_.state != AmendmentRound.State.CLOSED:
        round_ = round_sync(round_=round_)  # the window ended before the worker passed
    results = []
    if phase == AmendmentRound.State.CLOSED:
        labels = amendable_fields(round_.sheet)
        for result in round_results(round_):
            total = result.judges or 1
            candidate = {
                "id": result.candidate,
                "field": result.field,
                "amendment": result.amendment,
            }
            results.append(
                {
                    "result": result,
                    "label": candidate_label(candidate, labels),
                    "grade": Grade(result.majority_grade).label
                    if result.majority_grade is not None
                    else "—",
                    "p": round(100 * result.p_numerator / total, 1),
                    "q": round(100 * result.q_numerator / total, 1),
                    "bars": _bars(result.profile, total),
                    "shares": [
                        {"label": label, "count": count, "share": round(100 * count / total, 1)}
                        for (_value, label), count in zip(
                            Grade.choices, result.profile, strict=True
                        )
                    ],
                }
            )
    judges = round_judges(round_)
    return render(
        request,
        "amendments/round_detail.html",
        {
            "round": round_,
            "sheet": round_.sheet,
            "phase": phase,
            "phase_label": AmendmentRound.State(phase).label,
            "min_grade": Grade(round_.min_grade).label,
            "candidates": _candidate_texts(round_) if phase != AmendmentRound.State.CLOSED else [],
            "results": results,
            "judges": judges,
            "quorum_met": judges >= round_.quorum,
            "grades": Grade.choices,
        },
    )


def _bars(profile: list[int], total: int) -> list[dict[str, Any]]:
    """The merit profile as segments of a 100-unit bar (SVG drawn by the template)."""
    segments, x = [], 0.0
    for grade, count in enumerate(profile):
        width = 100 * count / total
        if width:
            segments.append({"grade": grade, "x": round(x, 3), "width": round(width, 3)})
        x += width
    return segments


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, "judge")
    phase = round_phase(round_)
    candidates = _candidate_texts(round_) if phase == AmendmentRound.State.JUDGMENT else []
    labels = amendable_fields(round_.sheet)
    current = ballot_of(user=request.user, round_=round_) or {}
    initial = {f"grade-{c['anchor']}": current.get(c["id"]) for c in candidates}
    form = BallotForm(
        request.POST if request.method == "POST" else None,
        candidates=[{k: c[k] for k in ("id", "field", "amendment")} for c in candidates],
        field_labels=labels,
        initial=initial,
    )
    if request.method == "POST" and phase == AmendmentRound.State.JUDGMENT and form.is_valid():
        done = attempt(
            request,
            lambda: ballot_cast(actor=request.user, round_=round_, grades=form.grades()),
            form=form,
        )
        if done.ok:
            messages.success(
                request,
                _("Votre bulletin est enregistré ; vous pouvez le modifier jusqu'à la clôture."),
            )
            return HttpResponseRedirect(round_.get_absolute_url())
    return render(
        request,
        "amendments/ballot.html",
        {
            "round": round_,
            "sheet": round_.sheet,
            "phase": phase,
            "phase_label": AmendmentRound.State(phase).label,
            "min_grade": Grade(round_.min_grade).label,
            "candidates": candidates,
            "form": form,
            "already": bool(current),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
