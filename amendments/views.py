"""Pages of amendments: an amendment with its word diff (and withdrawal by its author).

The round's pages, the proposal form, the ballot and the results come with the rest of
issue 14's pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt, policy_object
from projects.diff import reading_diff
from projects.sections import FIELDS as SECTION_FIELDS

from .models import Amendment, AmendmentRound
from .permissions import AMENDMENT_POLICY
from .selectors import round_phase
from .services import amendable_fields, amendment_withdraw, field_text


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
