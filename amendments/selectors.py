"""Reads of rounds, amendments, ballots and results (through the policies where they depend on
who asks)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import (
    STATUS_QUO,
    Amendment,
    AmendmentRound,
    Ballot,
    BallotGrade,
    PaperBallotEntry,
    RoundResult,
)
from .permissions import AMENDMENT_POLICY, ROUND_POLICY

if TYPE_CHECKING:
    from projects.models import ProjectSheet

# Amendments that are candidates of their round (withdrawn ones are not judged).
CANDIDATE_STATES = (
    Amendment.State.SUBMITTED,
    Amendment.State.RETAINED,
    Amendment.State.NOT_RETAINED,
    Amendment.State.ACCEPTED,
    Amendment.State.REJECTED,
    Amendment.State.OUTDATED,
)


def round_phase(round_: AmendmentRound, now: datetime.datetime | None = None) -> str:
    """The round's state as its windows say now: the stored state may lag behind a window that
    ended a moment ago (the worker moves it), a service never does."""
    now = now or timezone.now()
    if round_.state == AmendmentRound.State.CLOSED or now >= round_.judgment_ends:
        return AmendmentRound.State.CLOSED
    if round_.state == AmendmentRound.State.JUDGMENT or now >= round_.submission_ends:
        return AmendmentRound.State.JUDGMENT
    return AmendmentRound.State.SUBMISSION


def round_open_for_sheet(sheet: ProjectSheet) -> AmendmentRound | None:
    return (
        AmendmentRound.objects.filter(sheet=sheet)
        .exclude(state=AmendmentRound.State.CLOSED)
        .order_by("-created")
        .first()
    )


def round_list(*, user: Any, sheet: ProjectSheet) -> QuerySet[AmendmentRound]:
    return ROUND_POLICY.visible(user, AmendmentRound.objects.filter(sheet=sheet)).order_by(
        "-created", "-id"
    )


def round_get_visible(*, user: Any, pk: Any) -> AmendmentRound:
    return ROUND_POLICY.get_visible(
        user, AmendmentRound.objects.select_related("sheet__workspace"), pk=pk
    )


def amendment_list(*, user: Any, sheet: ProjectSheet) -> QuerySet[Amendment]:
    return (
        AMENDMENT_POLICY.visible(user, Amendment.objects.filter(sheet=sheet))
        .select_related("author", "base_version", "round")
        .order_by("created", "id")
    )


def amendment_get_visible(*, user: Any, pk: Any) -> Amendment:
    queryset = Amendment.objects.select_related(
        "sheet__workspace", "sheet__current_version", "base_version", "round", "author"
    )
    return AMENDMENT_POLICY.get_visible(user, queryset, pk=pk)


def round_candidates(round_: AmendmentRound) -> list[dict[str, Any]]:
    """Every candidate of the round, in a stable order: per amended field (in the order fields
    were first amended), its current text ("status_quo:<field>") then its amendments."""
    # An amendment rejected while submissions ran was never judged; one rejected after the
    # close (it was retained) keeps its place among the round's results.
    judged = Exists(RoundResult.objects.filter(amendment=OuterRef("pk")))
    amendments = list(
        round_.amendments.filter(state__in=CANDIDATE_STATES)
        .exclude(Q(state=Amendment.State.REJECTED) & ~judged)
        .order_by("created", "id")
    )
    fields: list[str] = []
    for amendment in amendments:
        if amendment.field not in fields:
            fields.append(amendment.field)
    candidates: list[dict[str, Any]] = []
    for name in fields:
        candidates.append({"id": f"{STATUS_QUO}:{name}", "field": name, "amendment": None})
        candidates += [
            {"id": str(a.pk), "field": name, "amendment": a} for a in amendments if a.field == name
        ]
    return candidates


def ballot_of(*, user: Any, round_: AmendmentRound) -> dict[str, int] | None:
    """The caller's grades by candidate, or None when they have not judged."""
    if not getattr(user, "is_authenticated", False):
        return None
    ballot = Ballot.objects.filter(round=round_, voter=user).first()
    if ballot is None:
        return None
    return dict(ballot.grades.values_list("candidate", "grade"))


def round_tally(round_: AmendmentRound) -> dict[str, list[int]]:
    """Judges per grade for every candidate: one GROUP BY in the database, never the ballots
    loaded one by one."""
    profiles: dict[str, list[int]] = {}
    rows = (
        BallotGrade.objects.filter(round=round_)
        .values_list("candidate", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    for candidate, grade, n in rows:
        profiles.setdefault(candidate, [0] * 7)[grade] += n
    return profiles


def round_results(round_: AmendmentRound) -> QuerySet[RoundResult]:
    return round_.results.select_related("amendment").order_by("rank", "candidate")


def round_judges(round_: AmendmentRound) -> int:
    return Ballot.objects.filter(round=round_).count()


def paper_ballot_counts_by_place(*, round_: AmendmentRound) -> list[tuple[str, int]]:
    """Counted paper ballots per place (the first entry's spelling), most first."""
    seen: set[int] = set()
    counts: Counter[str] = Counter()
    rows = (
        PaperBallotEntry.objects.filter(round=round_, ballot__isnull=False)
        .order_by("pk")
        .values_list("ballot_id", "place")
    )
    for ballot_id, place in rows:
        if ballot_id not in seen:
            seen.add(ballot_id)
            counts[place] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def paper_ballots_waiting(*, round_: AmendmentRound) -> QuerySet[PaperBallotEntry]:
    """Paper ballots typed once, waiting for a second mediator: number, place, who and when,
    never the grades (the second typing must be read from the paper, not copied)."""
    return (
        PaperBallotEntry.objects.filter(
            round=round_, ballot__isnull=True, withdrawn_at__isnull=True
        )
        .select_related("entered_by")
        .order_by("identifier", "pk")
    )
