"""The round's and the amendment's lives, declared once (run by `machines.machine_run`).

Round:     submission ──close_submissions──▶ judgment ──close──▶ closed
           (early by staff or the round's official; at the window's end by the platform)
Amendment: submitted ──withdraw──▶ withdrawn            (its author, while submissions run)
           submitted ──retain / set_aside──▶ retained / not_retained   (the platform, at the close)
           retained ──accept──▶ accepted                 (merged into the sheet)
           submitted, retained ──reject──▶ rejected      (with a public motivation; a submitted
                                                          one only while submissions run)
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from machines import Machine, Refusal, Refusals, Transition

from .errors import AmendmentConflict, AmendmentError, AmendmentForbidden, AmendmentNotFound
from .models import Amendment, AmendmentRound
from .permissions import AMENDMENT_POLICY, ROUND_POLICY

RoundState = AmendmentRound.State
AmendmentState = Amendment.State


def _platform(user: Any, obj: Any) -> bool:
    return user is None


def _steer_or_platform(user: Any, round_: AmendmentRound) -> bool:
    return user is None or ROUND_POLICY.check(user, round_, "steer")


def _stamp_submissions(round_: AmendmentRound, **kwargs: Any) -> None:
    now = timezone.now()
    round_.submissions_closed_at = now
    if round_.submission_ends > now:
        round_.submission_ends = now


def _stamp_close(round_: AmendmentRound, **kwargs: Any) -> None:
    now = timezone.now()
    round_.closed_at = now
    if round_.judgment_ends > now:
        round_.judgment_ends = now
    if round_.submission_ends > now:
        round_.submission_ends = now
    if round_.submissions_closed_at is None:
        round_.submissions_closed_at = now


ROUND_TRANSITIONS = (
    Transition(
        "close_submissions",
        source=(RoundState.SUBMISSION,),
        target=RoundState.JUDGMENT,
        label=_("Clore le dépôt des amendements"),
        verb=_("a clos le dépôt des amendements"),
        may=_steer_or_platform,
        writes=("submissions_closed_at", "submission_ends"),
        effect=_stamp_submissions,
    ),
    Transition(
        "close",
        source=(RoundState.SUBMISSION, RoundState.JUDGMENT),
        target=RoundState.CLOSED,
        label=_("Clore le jugement"),
        verb=_("a clos le tour d'amendements"),
        may=_steer_or_platform,
        writes=("closed_at", "judgment_ends", "submission_ends", "submissions_closed_at"),
        effect=_stamp_close,
    ),
)


def _round_label(state: str) -> Any:
    return RoundState(state).label


ROUND_STATES = Machine(
    name="amendment_round",
    model=AmendmentRound,
    state_field="state",
    transitions=ROUND_TRANSITIONS,
    refusals=Refusals(
        unknown=Refusal(AmendmentNotFound, _("Action inconnue : %(name)s.")),
        forbidden=Refusal(
            AmendmentForbidden,
            _("Seuls les agents et l'élu·e du tour peuvent clore ses fenêtres."),
        ),
        note_required=Refusal(AmendmentError, _("Un motif est nécessaire.")),
        unavailable=Refusal(AmendmentConflict, _("Le tour est déjà au stade « %(state)s ».")),
        gated=Refusal(AmendmentConflict, _("Le tour ne peut pas encore changer d'étape.")),
        stale=Refusal(AmendmentConflict, _("Le tour a changé entre-temps (« %(state)s »).")),
        concurrent=Refusal(AmendmentConflict, _("Le tour a changé entre-temps.")),
    ),
    state_label=_round_label,
)


def _author(user: Any, amendment: Amendment) -> bool:
    return AMENDMENT_POLICY.check(user, amendment, "withdraw")


def _decider(user: Any, amendment: Amendment) -> bool:
    return AMENDMENT_POLICY.check(user, amendment, "decide")


class SubmissionsClosed:
    code = "submissions_closed"
    label = _("Le dépôt des amendements est clos : on ne retire plus un amendement en jugement.")


def _while_submissions_run(amendment: Amendment, context: Any) -> list[Any]:
    from .selectors import round_phase

    return [] if round_phase(amendment.round) == RoundState.SUBMISSION else [SubmissionsClosed()]


def _not_under_judgment(amendment: Amendment, context: Any) -> list[Any]:
    """A submitted amendment is rejected (off-topic, say) while submissions run, before anyone
    grades it; once judged, the decision comes after the close, on its result."""
    if amendment.state != AmendmentState.SUBMITTED:
        return []
    return _while_submissions_run(amendment, context)


def _decide(
    amendment: Amendment,
    *,
    note: str = "",
    decider: Any = None,
    merged_version: Any = None,
    **kw: Any,
) -> None:
    amendment.decided_by = decider
    amendment.decided_at = timezone.now()
    amendment.motivation = note
    if merged_version is not None:
        amendment.merged_version = merged_version


AMENDMENT_TRANSITIONS = (
    Transition(
        "withdraw",
        source=(AmendmentState.SUBMITTED,),
        target=AmendmentState.WITHDRAWN,
        label=_("Retirer l'amendement"),
        verb=_("a retiré son amendement"),
        may=_author,
        gate=_while_submissions_run,
    ),
    Transition(
        "retain",
        source=(AmendmentState.SUBMITTED,),
        target=AmendmentState.RETAINED,
        label=_("Retenir"),
        verb=_("a retenu l'amendement"),
        may=_platform,
    ),
    Transition(
        "set_aside",
        source=(AmendmentState.SUBMITTED,),
        target=AmendmentState.NOT_RETAINED,
        label=_("Ne pas retenir"),
        verb=_("n'a pas retenu l'amendement"),
        may=_platform,
    ),
    Transition(
        "outdate",
        source=(AmendmentState.SUBMITTED,),
        target=AmendmentState.OUTDATED,
        label=_("À mettre à jour"),
        verb=_("a marqué l'amendement « à mettre à jour »"),
        may=_platform,
    ),
    Transition(
        "accept",
        source=(AmendmentState.RETAINED,),
        target=AmendmentState.ACCEPTED,
        label=_("Intégrer à la fiche"),
        verb=_("a intégré l'amendement à la fiche"),
        may=_decider,
        writes=("decided_by", "decided_at", "motivation", "merged_version"),
        effect=_decide,
        note_offered=True,
    ),
    Transition(
        "reject",
        source=(AmendmentState.SUBMITTED, AmendmentState.RETAINED),
        target=AmendmentState.REJECTED,
        label=_("Rejeter l'amendement"),
        verb=_("a rejeté l'amendement"),
        may=_decider,
        note_required=True,
        writes=("decided_by", "decided_at", "motivation"),
        effect=_decide,
        gate=_not_under_judgment,
    ),
)


def _amendment_label(state: str) -> Any:
    return AmendmentState(state).label


AMENDMENT_STATES = Machine(
    name="amendment",
    model=Amendment,
    state_field="state",
    transitions=AMENDMENT_TRANSITIONS,
    refusals=Refusals(
        unknown=Refusal(AmendmentNotFound, _("Action inconnue : %(name)s.")),
        forbidden=Refusal(AmendmentForbidden, _("Votre rôle ne permet pas cette action.")),
        note_required=Refusal(
            AmendmentError, _("Un rejet se motive publiquement : la motivation est requise.")
        ),
        unavailable=Refusal(
            AmendmentConflict, _("L'amendement est « %(state)s » : action impossible.")
        ),
        gated=Refusal(
            AmendmentConflict,
            _(
                "Le dépôt des amendements est clos : l'amendement est jugé, la décision viendra "
                "après la clôture."
            ),
        ),
        stale=Refusal(AmendmentConflict, _("L'amendement a changé entre-temps (« %(state)s »).")),
        concurrent=Refusal(AmendmentConflict, _("L'amendement a changé entre-temps.")),
    ),
    state_label=_amendment_label,
)
