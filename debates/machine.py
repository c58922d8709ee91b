"""The debate's life, declared once: open → closed (a public synthesis, by its author, a
moderator or staff) → archived (with its sheet, by the platform itself).

    open ──close──▶ closed ──archive──▶ archived
      └──────────archive──────────────────▲
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from machines import Machine, Refusal, Refusals, Transition

from .errors import DebateConflict, DebateError, DebateForbidden, DebateNotFound
from .models import Debate
from .permissions import DEBATE_POLICY

State = Debate.State


def _may_close(user: Any, debate: Debate) -> bool:
    return DEBATE_POLICY.check(user, debate, "close")


def _platform(user: Any, debate: Debate) -> bool:
    # Run by the platform when the debate's sheet is archived or abandoned (no account acts).
    return user is None


def _keep_synthesis(debate: Debate, *, note: str, closer: Any = None, **kwargs: Any) -> None:
    debate.synthesis = note
    debate.closed_by = closer
    debate.closed_at = timezone.now()


TRANSITIONS = (
    Transition(
        "close",
        source=(State.OPEN,),
        target=State.CLOSED,
        label=_("Clore le débat"),
        verb=_("a clos le débat"),
        may=_may_close,
        note_required=True,
        writes=("synthesis", "closed_by", "closed_at"),
        effect=_keep_synthesis,
    ),
    Transition(
        "archive",
        source=(State.OPEN, State.CLOSED),
        target=State.ARCHIVED,
        label=_("Archiver le débat"),
        verb=_("a archivé le débat"),
        may=_platform,
    ),
)


def _state_label(state: str) -> Any:
    return State(state).label


DEBATE_STATES = Machine(
    name="debate",
    model=Debate,
    state_field="state",
    transitions=TRANSITIONS,
    refusals=Refusals(
        unknown=Refusal(DebateNotFound, _("Action inconnue : %(name)s.")),
        forbidden=Refusal(
            DebateForbidden,
            _("Seuls l'auteur du débat, la modération et les agents peuvent le clore."),
        ),
        note_required=Refusal(DebateError, _("La synthèse est obligatoire pour clore le débat.")),
        unavailable=Refusal(DebateConflict, _("Le débat est déjà « %(state)s ».")),
        gated=Refusal(DebateConflict, _("Le débat ne peut pas encore être clos.")),
        stale=Refusal(DebateConflict, _("Le débat a changé entre-temps (il est « %(state)s »).")),
        concurrent=Refusal(DebateConflict, _("Le débat a changé entre-temps.")),
    ),
    state_label=_state_label,
)
