"""The moderation case, declared once (a transition table run by `machines.machine_run`).

    pending ──hide──▶ hidden ──appeal──▶ appealed ──uphold──▶ upheld
       │  ▲                                  └──────reverse──▶ reversed ──reopen──▶ pending
       │  └──────reopen (a new report) ──── dismissed
       └──dismiss──▶ dismissed

Every run writes one append-only `ModerationAction` (the log hook), shows the decision in the
comment's place through the debates service, and tells the people concerned (`Notice`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines import add_working_hours, working_hours_between
from debates.selectors import debate_participants
from debates.services import comment_moderation_show
from machines import Machine, Refusal, Refusals, Step, Transition

from .errors import (
    AppealClosed,
    ModerationConflict,
    ModerationError,
    ModerationForbidden,
    ModerationNotFound,
)
from .models import ModerationAction, ModerationCase, Notice, Report
from .permissions import CASE_POLICY

State = ModerationCase.State


class AppealDeadline:
    code = "appeal_deadline"
    label = _("Le délai de recours de 14 jours est passé.")


def _moderator(user: Any, case: ModerationCase) -> bool:
    """A moderator or an agent who took no part in the debate."""
    if not CASE_POLICY.check(user, case, "decide"):
        return False
    return user.pk not in debate_participants(case.comment.debate)


def _second_moderator(user: Any, case: ModerationCase) -> bool:
    """An appeal goes to someone other than the moderator who hid the message."""
    return _moderator(user, case) and user.pk != case.decided_by_id


def _comment_author(user: Any, case: ModerationCase) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and case.comment.author_id == user.pk
    )


def _platform(user: Any, case: ModerationCase) -> bool:
    return user is None


def _appeal_open(case: ModerationCase, context: Any) -> list[Any]:
    until = case.comment.appealable_until
    return [] if until is not None and timezone.now() <= until else [AppealDeadline()]


def _decide(
    case: ModerationCase,
    *,
    note: str,
    decider: Any = None,
    rule: str = "",
    charter: Any = None,
    **kwargs: Any,
) -> None:
    case.decided_by = decider
    case.decided_at = timezone.now()
    case.decision_reason = note
    case.decision_rule = rule
    case.charter_version = charter


def _appeal(case: ModerationCase, *, note: str, **kwargs: Any) -> None:
    case.appeal_text = note
    case.appealed_at = timezone.now()


def _judge_appeal(case: ModerationCase, *, note: str, decider: Any = None, **kwargs: Any) -> None:
    case.appeal_decided_by = decider
    case.appeal_decided_at = timezone.now()
    case.appeal_reason = note


def _reopen(case: ModerationCase, *, note: str = "", **kwargs: Any) -> None:
    now = timezone.now()
    case.opened_at = now
    case.due_at = add_working_hours(now, settings.FABRIQUE_MODERATION_DUE_WORKING_HOURS)
    case.auto_hidden_at = None


DECISION_WRITES = (
    "decided_by",
    "decided_at",
    "decision_reason",
    "decision_rule",
    "charter_version",
)
APPEAL_DECISION_WRITES = ("appeal_decided_by", "appeal_decided_at", "appeal_reason")

TRANSITIONS = (
    Transition(
        "hide",
        source=(State.PENDING,),
        target=State.HIDDEN,
        label=_("Masquer le message"),
        verb=_("a masqué un message"),
        may=_moderator,
        note_required=True,
        writes=DECISION_WRITES,
        effect=_decide,
    ),
    Transition(
        "dismiss",
        source=(State.PENDING,),
        target=State.DISMISSED,
        label=_("Écarter le signalement"),
        verb=_("a écarté un signalement"),
        may=_moderator,
        note_required=True,
        writes=DECISION_WRITES,
        effect=_decide,
    ),
    Transition(
        "reopen",
        source=(State.DISMISSED, State.REVERSED),
        target=State.PENDING,
        label=_("Rouvrir le cas"),
        verb=_("a rouvert un cas de modération"),
        may=_platform,
        writes=("opened_at", "due_at", "auto_hidden_at"),
        effect=_reopen,
    ),
    Transition(
        "appeal",
        source=(State.HIDDEN,),
        target=State.APPEALED,
        label=_("Faire un recours"),
        verb=_("a fait un recours"),
        may=_comment_author,
        gate=_appeal_open,
        note_required=True,
        writes=("appeal_text", "appealed_at"),
        effect=_appeal,
    ),
    Transition(
        "uphold",
        source=(State.APPEALED,),
        target=State.UPHELD,
        label=_("Confirmer le masquage"),
        verb=_("a confirmé un masquage après recours"),
        may=_second_moderator,
        note_required=True,
        writes=APPEAL_DECISION_WRITES,
        effect=_judge_appeal,
    ),
    Transition(
        "reverse",
        source=(State.APPEALED,),
        target=State.REVERSED,
        label=_("Rétablir le message"),
        verb=_("a rétabli un message après recours"),
        may=_second_moderator,
        note_required=True,
        writes=APPEAL_DECISION_WRITES,
        effect=_judge_appeal,
    ),
)


def _notify(case: ModerationCase, kind: str, *recipients: Any) -> None:
    Notice.objects.bulk_create(
        [Notice(recipient_id=r, case=case, kind=kind) for r in dict.fromkeys(recipients) if r]
    )


def _reporters(case: ModerationCase) -> list[int]:
    return list(
        Report.objects.filter(
            case=case, created__gte=case.opened_at, reporter__isnull=False
        ).values_list("reporter_id", flat=True)
    )


def _after(step: Step) -> None:
    """The log, the comment's place, and who is told — for every transition alike."""
    case: ModerationCase = step.obj
    name = step.transition.name
    now = timezone.now()
    hours = None
    if name in {"hide", "dismiss"}:
        hours = round(working_hours_between(case.opened_at, now), 2)
    ModerationAction.objects.create(
        case=case,
        actor=step.actor,
        kind=name,
        from_state=step.source,
        to_state=step.target,
        reason=step.note,
        rule=case.decision_rule if name == "hide" else "",
        hours_to_decision=hours,
    )
    comment = case.comment
    author = comment.author_id
    if name == "hide":
        appeal_days = settings.FABRIQUE_APPEAL_DAYS
        comment_moderation_show(
            comment=comment,
            hidden=True,
            reason=step.note,
            rule=case.decision_rule,
            decided=case.decided_at,
            appealable_until=case.decided_at + datetime.timedelta(days=appeal_days),
        )
        _notify(case, Notice.Kind.HIDDEN, author)
        _notify(case, Notice.Kind.REPORT_HIDDEN, *_reporters(case))
    elif name == "dismiss":
        comment_moderation_show(comment=comment, hidden=False)
        _notify(case, Notice.Kind.REPORT_DISMISSED, *_reporters(case))
    elif name == "appeal":
        pass  # the comment stays hidden; the queue shows the appeal first
    elif name == "uphold":
        comment_moderation_show(
            comment=comment,
            hidden=True,
            reason=case.decision_reason,
            rule=case.decision_rule,
            decided=case.decided_at,
            appealable_until=None,  # one appeal only
        )
        _notify(case, Notice.Kind.APPEAL_UPHELD, author)
    elif name == "reverse":
        comment_moderation_show(comment=comment, hidden=False, reinstated=now)
        _notify(case, Notice.Kind.APPEAL_REVERSED, author)


def _lock(queryset: Any) -> Any:
    return queryset.select_for_update(of=("self",)).select_related("comment__debate")


def _state_label(state: str) -> Any:
    return State(state).label


MODERATION = Machine(
    name="moderation",
    model=ModerationCase,
    state_field="state",
    transitions=TRANSITIONS,
    refusals=Refusals(
        unknown=Refusal(ModerationNotFound, _("Décision inconnue : %(name)s.")),
        forbidden=Refusal(
            ModerationForbidden,
            _(
                "Vous ne pouvez pas prendre cette décision : réservée à la modération, jamais "
                "sur un débat auquel vous avez pris part, et un recours va à une autre personne "
                "que celle qui a masqué le message."
            ),
        ),
        note_required=Refusal(ModerationError, _("Le motif est obligatoire : il sera publié.")),
        unavailable=Refusal(
            ModerationConflict, _("Ce cas est « %(state)s » : cette décision n'est plus possible.")
        ),
        gated=Refusal(AppealClosed, _("Le délai de recours est passé.")),
        stale=Refusal(ModerationConflict, _("Le cas a changé entre-temps (il est « %(state)s »).")),
        concurrent=Refusal(ModerationConflict, _("Le cas a changé entre-temps.")),
    ),
    state_label=_state_label,
    lock=_lock,
    log=_after,
)
