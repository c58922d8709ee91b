"""Promised versus delivered: one small table of rules per participation level, each readable
both from the computed indicators (the card and the API) and as a database condition (the
checklist, which must answer for thousands of sheets at once). A rule applies to its level and
every level above it; a promise is kept when every rule up to it is met.

| from level    | met when                                                              |
| ------------- | --------------------------------------------------------------------- |
| consult       | at least one contribution (a visible comment or a submitted amendment) |
| concert       | a comment answered by the sheet's team or an official, or the response to contributions published |
| co_construct  | at least one amendment merged into the sheet                          |
| co_decide     | at least one participant voted (a ballot in an amendment round)       |

The delivered level is the highest level whose rules, and those of the levels below, are met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amendments.models import Amendment, Ballot
from debates.models import Comment
from projects.models import LEVEL_ORDER, ParticipationLevel, SheetVersion, Stage
from workflow.checklist.conditions import section_filled
from workflow.models import TransitionLog

from .models import Answer

# Below this many answers (or people), a group's figures are not shown.
SMALL_GROUP = 5
# The checklist's "participants' evaluation" is met from this many answers.
MIN_ANSWERS = SMALL_GROUP
RESPONSE_SECTION = "response_to_contributions"


# --- the contributions, as conditions (relative to a sheet through `sheet_ref`) ---


def visible_comments(sheet_ref: Any):
    return Comment.objects.filter(debate__sheet=sheet_ref, state=Comment.State.VISIBLE)


def team_replies(sheet_workspace_ref: Any):
    """Visible replies to the outer comment by someone else of the sheet's workspace or an
    official: the comment was answered."""
    return (
        Comment.objects.filter(parent=OuterRef("pk"), state=Comment.State.VISIBLE)
        .exclude(author=OuterRef("author"))
        .filter(
            Q(author__platform_role="official")
            | Q(author__memberships__workspace_id=sheet_workspace_ref)
        )
    )


def answered_comments(sheet_ref: Any, workspace_ref: Any):
    return visible_comments(sheet_ref).filter(Exists(team_replies(workspace_ref)))


def submitted_amendments(sheet_ref: Any):
    return Amendment.objects.filter(sheet=sheet_ref).exclude(state=Amendment.State.WITHDRAWN)


def merged_amendments(sheet_ref: Any):
    return Amendment.objects.filter(sheet=sheet_ref, state=Amendment.State.ACCEPTED)


def ballots(sheet_ref: Any):
    return Ballot.objects.filter(round__sheet=sheet_ref)


def changed_after(sheet_id: Any):
    """A version of the sheet saved after the outer reply."""
    return SheetVersion.objects.filter(sheet_id=sheet_id, created__gt=OuterRef("created"))


# --- the rules ---


@dataclass(frozen=True)
class Rule:
    code: str
    level: str  # the lowest level it applies to
    missing: Any  # what the flag says is missing
    met: Callable[[dict], bool]  # from the indicators
    met_q: Callable[[], Q]  # the same, relative to ProjectSheet

    def applies_to(self, level: str) -> bool:
        return LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(self.level)


RULES: tuple[Rule, ...] = (
    Rule(
        "no_contribution",
        ParticipationLevel.CONSULT,
        _("aucune contribution recueillie"),
        lambda ind: ind["contributions"] > 0,
        lambda: (
            Q(Exists(visible_comments(OuterRef("pk"))))
            | Q(Exists(submitted_amendments(OuterRef("pk"))))
        ),
    ),
    Rule(
        "no_answer",
        ParticipationLevel.CONCERT,
        _("aucune réponse aux contributions"),
        lambda ind: ind["comments_answered"] > 0 or ind["response_published"],
        lambda: (
            Q(Exists(answered_comments(OuterRef("pk"), OuterRef(OuterRef("workspace_id")))))
            | section_filled(RESPONSE_SECTION)
        ),
    ),
    Rule(
        "no_amendment_merged",
        ParticipationLevel.CO_CONSTRUCT,
        _("aucun amendement intégré"),
        lambda ind: ind["amendments_merged"] > 0,
        lambda: Q(Exists(merged_amendments(OuterRef("pk")))),
    ),
    Rule(
        "no_vote",
        ParticipationLevel.CO_DECIDE,
        _("aucun vote des participant·es"),
        # Online ballots, and paper ballots typed twice by mediators: a vote either way.
        lambda ind: ind["voters"] + ind.get("paper_ballots", 0) > 0,
        lambda: Q(Exists(ballots(OuterRef("pk")))),
    ),
)


def delivered_level(indicators: dict) -> str:
    delivered = ParticipationLevel.INFORM.value
    for level in LEVEL_ORDER[1:]:
        if all(rule.met(indicators) for rule in RULES if rule.level == level):
            delivered = level
        else:
            break
    return delivered


def promise_flags(promised: str, indicators: dict) -> list[dict[str, str]]:
    """The unmet rules of the promised level: "Co-construire promis, aucun amendement intégré"."""
    label = ParticipationLevel(promised).label
    return [
        {
            "code": rule.code,
            "message": gettext("%(level)s promis, %(missing)s")
            % {"level": label, "missing": rule.missing},
        }
        for rule in RULES
        if rule.applies_to(promised) and not rule.met(indicators)
    ]


# --- the checklist's conditions (registered by apps.py into workflow's hook) ---


def evaluated_q() -> Q:
    """In evaluation, or archived after going through it."""
    went_through = TransitionLog.objects.filter(sheet=OuterRef("pk"), to_stage=Stage.EVALUATION)
    return Q(stage=Stage.EVALUATION) | (Q(stage=Stage.ARCHIVED) & Q(Exists(went_through)))


def indicators_computed_q() -> Q:
    return evaluated_q()


def participants_answered_q() -> Q:
    count = (
        Answer.objects.filter(sheet=OuterRef("pk"))
        .order_by()
        .values("sheet")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Q(GreaterThanOrEqual(Subquery(count), MIN_ANSWERS))


def no_flag_q() -> Q:
    """Every rule of the promised level is met (computed; an explanation written in the section
    or a staff attestation also satisfies the item)."""
    q = evaluated_q()
    for rule in RULES:
        levels = [level for level in LEVEL_ORDER if rule.applies_to(level)]
        q &= ~Q(participation_level__in=levels) | rule.met_q()
    return q
