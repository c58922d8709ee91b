"""Pages of amendments: an amendment with its word diff (withdrawal by its author; merging with
a preview, or rejecting with a public motivation, by staff or the round's official), a round
(its rule, its candidates, then its results with the merit profiles; its windows closed early
by those who steer it), the ballot, opening a round on a sheet and proposing an amendment.

Three steps each — load (visible-or-404, action-or-403), call the service, answer — and a
service's refusal becomes an error on the form or a message, with the API's status."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_mediator
from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt, confirmed_form_call, policy_object, posted, service_call
from projects.diff import reading_diff
from projects.models import ProjectSheet, Stage
from projects.permissions import SHEET_POLICY
from projects.sections import FIELDS as SECTION_FIELDS

from .forms import (
    AmendmentForm,
    AssistedAmendmentForm,
    BallotForm,
    PaperBallotForm,
    RejectForm,
    RoundOpenForm,
    candidate_label,
)
from .models import Amendment, AmendmentRound, Grade
from .permissions import AMENDMENT_POLICY, ROUND_POLICY
from .selectors import (
    ballot_of,
    paper_ballot_counts_by_place,
    paper_ballots_waiting,
    round_candidates,
    round_judges,
    round_open_for_sheet,
    round_phase,
    round_results,
)
from .services import (
    amendable_fields,
    amendment_accept,
    amendment_merge_preview,
    amendment_reject,
    amendment_submit,
    amendment_submit_assisted,
    amendment_withdraw,
    ballot_cast,
    field_text,
    paper_ballot_enter,
    paper_ballot_entry_withdraw,
    round_close,
    round_close_submissions,
    round_open,
    round_sync,
)

SUBMISSION = AmendmentRound.State.SUBMISSION
JUDGMENT = AmendmentRound.State.JUDGMENT
CLOSED = AmendmentRound.State.CLOSED


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


def _is_markdown(field: str) -> bool:
    return field == "body" or getattr(SECTION_FIELDS.get(field), "kind", "") == "markdown"


def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _amendment(request, pk)
    diff = reading_diff(
        field_text(amendment.base_version, amendment.field),
        amendment.text,
        markdown=_is_markdown(amendment.field),
    )
    label = amendable_fields(amendment.sheet).get(amendment.field, amendment.field)
    phase = round_phase(amendment.round)
    may_withdraw = (
        amendment.state == Amendment.State.SUBMITTED
        and phase == SUBMISSION
        and AMENDMENT_POLICY.check(request.user, amendment, "withdraw")
    )
    may_decide = AMENDMENT_POLICY.check(request.user, amendment, "decide")
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
            "may_accept": may_decide and amendment.state == Amendment.State.RETAINED,
            "may_reject": may_decide
            and (
                amendment.state == Amendment.State.RETAINED
                or (amendment.state == Amendment.State.SUBMITTED and phase == SUBMISSION)
            ),
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
                markdown=_is_markdown(amendment.field),
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
        profile = _profile_writer()
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
                    **profile(result.profile, total),
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
            "may_steer": phase != CLOSED and ROUND_POLICY.check(request.user, round_, "steer"),
            "may_enter_paper": phase == JUDGMENT and is_mediator(request.user),
            "may_record": phase == SUBMISSION and is_mediator(request.user),
            "paper_places": paper_ballot_counts_by_place(round_=round_),
        },
    )


def _profile_writer() -> Any:
    """A function drawing one merit profile: the SVG segments of a 100-unit bar and the same
    figures in words ("À rejeter : 12 (5,2 %) · …"). Written here, not by the template: 23
    candidates × 7 grades through template tags and number localisation cost most of the page.
    The separators are the reader's language's, read once per page."""
    decimal = str(get_format("DECIMAL_SEPARATOR"))
    thousands = str(get_format("THOUSAND_SEPARATOR"))
    share_text = _("%(grade)s : %(count)s (%(share)s %%)")
    labels = [label for _value, label in Grade.choices]

    def draw(counts: list[int], total: int) -> dict[str, Any]:
        rects, words, x = [], [], 0.0
        for grade, count in enumerate(counts):
            width = 100 * count / total
            if width:
                rects.append((grade, f"{x:.3f}", f"{width:.3f}"))
            x += width
            words.append(
                share_text
                % {
                    "grade": labels[grade],
                    "count": f"{count:,}".replace(",", thousands),
                    "share": f"{100 * count / total:.1f}".replace(".", decimal),
                }
            )
        return {
            "bars": format_html_join(
                "", '<rect class="grade-{}" x="{}" y="0" width="{}" height="6"/>', rects
            ),
            "shares": " · ".join(words),
        }

    return draw


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


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """A mediator types a paper ballot (the second typing, by someone else, counts it)."""
    round_ = _round(request, pk)
    if not is_mediator(request.user):
        raise PermissionDenied
    phase = round_phase(round_)
    candidates = _candidate_texts(round_) if phase == AmendmentRound.State.JUDGMENT else []
    form = PaperBallotForm(
        posted(request),
        candidates=[{k: c[k] for k in ("id", "field", "amendment")} for c in candidates],
        field_labels=amendable_fields(round_.sheet),
        initial={"voted_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST" and "withdraw" in request.POST:
        entry = (
            paper_ballots_waiting(round_=round_)
            .filter(pk=_positive_int(request.POST.get("withdraw")))
            .first()
        )
        if entry is None:
            messages.error(request, _("Saisie introuvable."))
        elif attempt(
            request, lambda: paper_ballot_entry_withdraw(actor=request.user, entry=entry)
        ).ok:
            messages.success(
                request,
                _("Saisie du bulletin n° %(id)s retirée : il peut être saisi à nouveau.")
                % {"id": entry.identifier},
            )
        return redirect("amendments:paper_ballot", pk=round_.pk)
    if request.method == "POST" and phase == AmendmentRound.State.JUDGMENT:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            entry, status = service_call(
                request,
                form,
                lambda: paper_ballot_enter(
                    actor=request.user,
                    round_=round_,
                    identifier=data["identifier"],
                    place=data["place"],
                    voted_on=data["voted_on"],
                    voter_label=data["voter_label"],
                    grades=form.grades(),
                    declared_no_online_ballot=data["declared_no_online_ballot"],
                ),
            )
            if entry is not None:
                if entry.ballot_id:
                    text = _("Bulletin n° %(id)s : les deux saisies concordent, il est compté.")
                else:
                    text = _(
                        "Bulletin n° %(id)s : première saisie enregistrée. Il sera compté quand "
                        "un·e autre médiateur·rice l'aura saisi à son tour à l'identique."
                    )
                messages.success(request, text % {"id": entry.identifier})
                return redirect("amendments:paper_ballot", pk=round_.pk)
    return render(
        request,
        "amendments/paper_ballot.html",
        {
            "round": round_,
            "sheet": round_.sheet,
            "phase": phase,
            "phase_label": AmendmentRound.State(phase).label,
            "candidates": candidates,
            "form": form,
            "waiting": paper_ballots_waiting(round_=round_),
            "places": paper_ballot_counts_by_place(round_=round_),
        },
        status=status,
    )


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


# --- steering a round: opening it, closing a window early ---


def _sheet(request: HttpRequest, pk: int, action: str) -> ProjectSheet:
    return policy_object(
        request,
        SHEET_POLICY,
        action,
        queryset=ProjectSheet.objects.select_related("workspace", "current_version"),
        pk=pk,
    )


WEEK = datetime.timedelta(days=7)


def _round_defaults() -> dict[str, Any]:
    """Two weeks of submissions then one of judgment, each ending at 18:00 in Paris."""
    evening = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    submission_ends = evening + datetime.timedelta(days=14)
    return {"submission_ends": submission_ends, "judgment_ends": submission_ends + WEEK}


@login_required
@require_http_methods(["GET", "POST"])
def round_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk, "open_round")
    current = round_open_for_sheet(sheet)
    form = RoundOpenForm(posted(request), initial=_round_defaults())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            round_, status = service_call(
                request, form, lambda: round_open(actor=request.user, sheet=sheet, **values)
            )
            if round_ is not None:
                messages.success(
                    request,
                    _("Tour d'amendements ouvert : il est annoncé sur la fiche avec sa règle."),
                )
                return redirect(round_)
    context = {
        "form": form,
        "sheet": sheet,
        "current": current,
        "in_consultation": sheet.stage == Stage.CONSULTATION,
        "grades": Grade.choices,
    }
    return render(request, "amendments/round_open.html", context, status=status)


def _steer(
    request: HttpRequest,
    pk: int,
    *,
    confirmation: Confirmation,
    call: Any,
    success: str,
) -> HttpResponse:
    round_ = _round(request, pk, "steer")
    if not confirmed(request):
        back = round_.get_absolute_url()
        return confirmation_page(request, dataclasses.replace(confirmation, cancel_url=back))
    done = attempt(request, lambda: call(actor=request.user, round_=round_))
    if done.ok:
        messages.success(request, success)
    return HttpResponseRedirect(round_.get_absolute_url())


@login_required
@require_POST
def round_close_submissions_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _steer(
        request,
        pk,
        confirmation=Confirmation(
            title=_("Clore le dépôt des amendements maintenant ?"),
            consequence=_(
                "Plus personne ne pourra proposer ni retirer d'amendement ; le jugement "
                "s'ouvre aussitôt, jusqu'à la date prévue. Cela ne peut pas être annulé."
            ),
            action_label=_("Oui, clore le dépôt"),
            cancel_url="",
        ),
        call=round_close_submissions,
        success=_("Dépôt clos : le jugement est ouvert."),
    )


@login_required
@require_POST
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _steer(
        request,
        pk,
        confirmation=Confirmation(
            title=_("Clore le jugement maintenant ?"),
            consequence=_(
                "Les bulletins ne pourront plus être déposés ni changés ; les résultats sont "
                "calculés et publiés aussitôt. Cela ne peut pas être annulé."
            ),
            action_label=_("Oui, clore le jugement et publier les résultats"),
            cancel_url="",
        ),
        call=round_close,
        success=_("Jugement clos : les résultats sont publiés."),
    )


# --- proposing an amendment ---


@login_required
@require_http_methods(["GET", "POST"])
def amendment_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps that need no script: choose the field (links), then rewrite its text,
    prefilled as the current version says it."""
    sheet = _sheet(request, pk, "propose_amendment")
    return _propose(request, sheet, assisted=False)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_assisted_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A mediator records, with consent, the amendment of a person without an account: the
    same two steps, with the person's pseudonym or initials, the place and the day."""
    sheet = _sheet(request, pk, "view")
    if not is_mediator(request.user):
        raise PermissionDenied
    return _propose(request, sheet, assisted=True)


def _propose(request: HttpRequest, sheet: ProjectSheet, *, assisted: bool) -> HttpResponse:
    template = f"amendments/amendment_{'assisted' if assisted else 'propose'}.html"
    round_ = round_open_for_sheet(sheet)
    phase = round_phase(round_) if round_ is not None else None
    fields = amendable_fields(sheet)
    field = request.GET.get("champ", "")
    version = sheet.current_version
    context: dict[str, Any] = {
        "sheet": sheet,
        "round": round_,
        "open": phase == SUBMISSION,
        "fields": [
            {"code": code, "label": label, "text": field_text(version, code)}
            for code, label in fields.items()
        ],
        "field": field if field in fields else "",
        "field_label": fields.get(field, ""),
    }
    if phase != SUBMISSION or field not in fields:
        status = 200 if request.method == "GET" and (not field or field in fields) else 400
        if phase != SUBMISSION and request.method == "POST":
            status = 409
        return render(request, template, context, status=status)
    initial: dict[str, Any] = {"base_version": version.number, "text": field_text(version, field)}
    if assisted:
        initial["collected_on"] = timezone.localdate()
        form: AmendmentForm = AssistedAmendmentForm(posted(request), initial=initial)
    else:
        form = AmendmentForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            common = {
                "actor": request.user,
                "sheet": sheet,
                "field": field,
                "text": values["text"],
                "base_version": values["base_version"],
                "rationale": values["rationale"],
            }

            def call() -> Amendment:
                if not assisted:
                    return amendment_submit(**common)
                return amendment_submit_assisted(
                    **common,
                    pseudonym=values["pseudonym"],
                    place=values["place"],
                    collected_on=values["collected_on"],
                    consent=values["consent"],
                )

            amendment, status = service_call(
                request, form, call, rename={"base_version": "-", "field": "-"}
            )
            if amendment is not None:
                messages.success(
                    request,
                    _("Amendement recueilli et déposé : il est public et sera soumis au jugement.")
                    if assisted
                    else _("Amendement déposé : il est public et sera soumis au jugement."),
                )
                return redirect(amendment)
    base = form["base_version"].value()
    context.update({"form": form, "base_version": base})
    return render(request, template, context, status=status)


# --- deciding: merging a retained amendment, rejecting one ---


@login_required
@require_http_methods(["GET", "POST"])
def amendment_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The merge previewed as a diff of the field now → the field after, its conflicts named;
    the page's button is the confirmation (nothing changes before it is pressed)."""
    amendment = _amendment(request, pk, "decide")
    status, problem = 200, ""
    if request.method == "POST":
        done = attempt(
            request,
            lambda: amendment_accept(actor=request.user, amendment=amendment),
            quiet=True,
        )
        if done.ok:
            messages.success(
                request,
                _("Amendement intégré : la fiche a une nouvelle version qui le nomme."),
            )
            return HttpResponseRedirect(amendment.get_absolute_url())
        status, problem = done.status, done.error.message if done.error else ""
        amendment.refresh_from_db()
    retained = amendment.state == Amendment.State.RETAINED
    preview = amendment_merge_preview(amendment=amendment) if retained else None
    diff = None
    if preview is not None and not preview["conflicts"]:
        diff = reading_diff(
            preview["current"], preview["merged"], markdown=_is_markdown(amendment.field)
        )
    context = {
        "amendment": amendment,
        "sheet": amendment.sheet,
        "field_label": amendable_fields(amendment.sheet).get(amendment.field, amendment.field),
        "retained": retained,
        "preview": preview,
        "diff": diff,
        "problem": problem,
    }
    return render(request, "amendments/amendment_accept.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _amendment(request, pk, "decide")
    form = RejectForm(posted(request))
    page, done, status = confirmed_form_call(
        request,
        form,
        confirmation=lambda values: Confirmation(
            title=_("Rejeter l'amendement n° %(n)s ?") % {"n": amendment.pk},
            consequence=_(
                "L'amendement ne sera pas intégré ; la motivation sera publiée avec lui. Cela "
                "ne peut pas être annulé."
            ),
            action_label=_("Oui, rejeter l'amendement"),
            cancel_url=amendment.get_absolute_url(),
            quote=values["motivation"],
        ),
        call=lambda values: amendment_reject(
            actor=request.user, amendment=amendment, motivation=values["motivation"]
        ),
        rename={"note": "motivation"},
    )
    if page is not None:
        return page
    if done is not None:
        messages.success(request, _("Amendement rejeté : la motivation est publiée."))
        return HttpResponseRedirect(amendment.get_absolute_url())
    context = {
        "form": form,
        "amendment": amendment,
        "sheet": amendment.sheet,
        "open": amendment.state == Amendment.State.RETAINED
        or (
            amendment.state == Amendment.State.SUBMITTED
            and round_phase(amendment.round) == SUBMISSION
        ),
    }
    return render(request, "amendments/amendment_reject.html", context, status=status)
