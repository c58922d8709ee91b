"""A request's life, declared once (run by `machines.machine_run`).

    acknowledged, redirected ──answer──▶ answered                 (the official or a delegate)
    acknowledged, redirected ──clarify──▶ clarification_requested (the clock stops)
    clarification_requested ──reply──▶ acknowledged               (the sender; the clock runs
                                                                    again, the due date moved by
                                                                    the working days of the pause)
    acknowledged, redirected ──redirect──▶ redirected             (to another official; the due
                                                                    date is kept)
    any open state ──inadmissible──▶ closed_inadmissible         (a reason from the list)

Every transition writes a line of the request's own history and tells its parties in the site.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines import extend_by_pause, working_days_between
from machines import Machine, Refusal, Refusals, Step, Transition

from .errors import RequestConflict, RequestError, RequestForbidden, RequestNotFound
from .models import OfficialProfile, Request, RequestEntry, RequestNotice
from .permissions import REQUEST_POLICY

State = Request.State
OPEN = (State.ACKNOWLEDGED, State.REDIRECTED)


def _may(action: str):
    def rule(user: Any, request: Request) -> bool:
        return REQUEST_POLICY.check(user, request, action)

    return rule


def _resume(request: Request, now: Any) -> None:
    """End a pause: the due moments move by its working days."""
    if request.paused_at is not None:
        request.due_at = extend_by_pause(request.due_at, request.paused_at, now, unit="days")
        request.very_due_at = extend_by_pause(
            request.very_due_at, request.paused_at, now, unit="days"
        )
        request.paused_at = None


def _answered(request: Request, *, note: str = "", by: Any = None, **kw: Any) -> None:
    now = timezone.now()
    _resume(request, now)
    request.answer_text = note
    request.answered_at = now
    request.answered_by = by
    request.closed_at = now
    request.on_time = now <= request.due_at
    elapsed = working_days_between(request.created, now)
    request.answer_days = max(0, elapsed - request_pause_days(request))


def request_pause_days(request: Request) -> int:
    """Working days the clock stood still (the due date moved by as much): left out of the
    time to answer."""
    return max(0, working_days_between(request.first_due_at, request.due_at))


def _paused(request: Request, **kw: Any) -> None:
    request.paused_at = timezone.now()


def _replied(request: Request, **kw: Any) -> None:
    _resume(request, timezone.now())


def _redirected(request: Request, *, to: OfficialProfile | None = None, **kw: Any) -> None:
    if to is not None:
        request.official = to


def _closed(request: Request, *, reason: str = "", **kw: Any) -> None:
    now = timezone.now()
    _resume(request, now)
    request.inadmissible_reason = reason
    request.closed_at = now


TRANSITIONS = (
    Transition(
        "answer",
        source=OPEN,
        target=State.ANSWERED,
        label=_("Répondre"),
        verb=_("a répondu à une demande"),
        may=_may("answer"),
        note_required=True,
        writes=(
            "answer_text",
            "answered_at",
            "answered_by",
            "closed_at",
            "on_time",
            "answer_days",
            "due_at",
            "very_due_at",
            "paused_at",
        ),
        effect=_answered,
    ),
    Transition(
        "clarify",
        source=OPEN,
        target=State.CLARIFICATION_REQUESTED,
        label=_("Demander une précision"),
        verb=_("a demandé une précision"),
        may=_may("clarify"),
        note_required=True,
        writes=("paused_at",),
        effect=_paused,
    ),
    Transition(
        "reply",
        source=(State.CLARIFICATION_REQUESTED,),
        target=State.ACKNOWLEDGED,
        label=_("Apporter la précision"),
        verb=_("a apporté une précision"),
        may=_may("reply"),
        note_required=True,
        writes=("paused_at", "due_at", "very_due_at"),
        effect=_replied,
    ),
    Transition(
        "redirect",
        source=OPEN,
        target=State.REDIRECTED,
        label=_("Transmettre à un·e autre élu·e"),
        verb=_("a transmis une demande"),
        may=_may("redirect"),
        note_offered=True,
        writes=("official",),
        effect=_redirected,
    ),
    Transition(
        "inadmissible",
        source=(*OPEN, State.CLARIFICATION_REQUESTED),
        target=State.CLOSED_INADMISSIBLE,
        label=_("Clore comme irrecevable"),
        verb=_("a clos une demande comme irrecevable"),
        may=_may("inadmissible"),
        note_offered=True,
        writes=("inadmissible_reason", "closed_at", "due_at", "very_due_at", "paused_at"),
        effect=_closed,
    ),
)

# Who is told of each step in the site (e-mail comes with the notifications).
_TELL_SENDER = {
    "answer": RequestNotice.Kind.ANSWERED,
    "clarify": RequestNotice.Kind.CLARIFICATION,
    "redirect": RequestNotice.Kind.REDIRECTED,
    "inadmissible": RequestNotice.Kind.CLOSED,
}
_TELL_OFFICIAL = {
    "reply": RequestNotice.Kind.REPLIED,
    "redirect": RequestNotice.Kind.RECEIVED,
}


def official_recipients(official: OfficialProfile) -> list[Any]:
    """The official and the delegates answering in their name."""
    return [official.user, *official.delegates.all()]


def _log(step: Step) -> None:
    request: Request = step.obj
    text = step.note
    if step.transition.name == "redirect":
        text = f"{request.official.user.display_name}\n{step.note}".strip()
    elif step.transition.name == "inadmissible":
        text = f"{request.get_inadmissible_reason_display()}\n{step.note}".strip()
    RequestEntry.objects.create(
        request=request, kind=step.transition.name, author=step.actor, text=text
    )
    notices = []
    kind = _TELL_SENDER.get(step.transition.name)
    if kind and request.sender_id and request.sender_id != getattr(step.actor, "pk", None):
        notices.append(RequestNotice(recipient_id=request.sender_id, request=request, kind=kind))
    kind = _TELL_OFFICIAL.get(step.transition.name)
    if kind:
        notices += [
            RequestNotice(recipient=user, request=request, kind=kind)
            for user in official_recipients(request.official)
            if user.pk != getattr(step.actor, "pk", None)
        ]
    RequestNotice.objects.bulk_create(notices)


def _state_label(state: str) -> Any:
    return State(state).label


REQUEST_STATES = Machine(
    name="official_request",
    model=Request,
    state_field="state",
    transitions=TRANSITIONS,
    refusals=Refusals(
        unknown=Refusal(RequestNotFound, _("Action inconnue : %(name)s.")),
        forbidden=Refusal(RequestForbidden, _("Votre rôle ne permet pas cette action.")),
        note_required=Refusal(RequestError, _("Le texte est vide.")),
        unavailable=Refusal(
            RequestConflict, _("La demande est « %(state)s » : action impossible.")
        ),
        gated=Refusal(RequestConflict, _("La demande ne le permet pas encore.")),
        stale=Refusal(RequestConflict, _("La demande a changé entre-temps (« %(state)s »).")),
        concurrent=Refusal(RequestConflict, _("La demande a changé entre-temps.")),
    ),
    state_label=_state_label,
    log=_log,
)

__all__ = ["OPEN", "REQUEST_STATES", "official_recipients", "request_pause_days"]
