"""Reads of a sheet's evaluation: the indicators computed from the data (a fixed number of
queries whatever the sheet's size), the promise kept or not, who may answer, and the answers
aggregated by pillar and role with small groups left out.

Definitions (docs/evaluation.md says the same to the public):
- comments: visible comments of the sheet's debates (hidden by moderation, deleted or awaiting
  review: not counted);
- contributions: those comments plus the amendments submitted (withdrawn ones left out);
- participants_online: distinct accounts who, in their own name, wrote a visible comment,
  submitted an amendment or cast a ballot on the sheet (a comment or amendment a mediator
  recorded for someone else does not make the mediator a participant);
- participants_assisted: distinct people reached through mediation (docs/mediation.md): the
  persons of the visible comments and the submitted amendments a mediator recorded, and of the
  counted paper ballots (one person per ballot, read from its first typing); a person is a
  (pseudonym or initials, place) pair compared without case, accents or spaces (`person_key`);
- participants: participants_online + participants_assisted (an account and a person reached
  through mediation are never matched: a person without an account has none); by commune, only
  the accounts (a person reached through mediation has no commune);
- a comment answered: it has a visible reply by someone else who is a member of the sheet's
  workspace or an official; answered by a change: the sheet got a new version after that reply;
- share followed by a change: (amendments merged + comments answered by a change) /
  contributions;
- official response times: requests to officials tied to the sheet, as the officials' own
  statistics count them (answered = answered and not flagged as boilerplate; median in working
  days, pauses left out; within commitment = answered on time / settled).
"""

from __future__ import annotations

import statistics
import unicodedata
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Aggregate, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from amendments.models import Amendment, AmendmentRound, Ballot, PaperBallotEntry
from debates.models import Comment, Debate
from meetings.models import Meeting
from officials.models import Request
from projects.models import FramingNote, ProjectSheet, Stage
from workflow.models import TransitionLog
from workspace.models import Membership

from .models import Answer
from .questionnaire import QUESTIONS, Pillar, Role
from .rules import (
    RESPONSE_SECTION,
    SMALL_GROUP,
    changed_after,
    delivered_level,
    promise_flags,
    submitted_amendments,
    team_replies,
    visible_comments,
)


def evaluation_reached(sheet: ProjectSheet) -> bool:
    """In evaluation, or archived after going through it (then one query)."""
    if sheet.stage == Stage.EVALUATION:
        return True
    if sheet.stage != Stage.ARCHIVED:
        return False
    return TransitionLog.objects.filter(sheet=sheet, to_stage=Stage.EVALUATION).exists()


def evaluation_open(sheet: ProjectSheet) -> bool:
    return sheet.stage == Stage.EVALUATION


def _contributed(sheet: ProjectSheet) -> Q:
    """Q on User: in their own name, wrote a visible comment, submitted an amendment or cast a
    ballot (what a mediator recorded for someone else is that person's, not the mediator's)."""
    user = OuterRef("pk")
    return (
        Q(Exists(visible_comments(sheet.pk).filter(author=user, assisted_label="")))
        | Q(Exists(submitted_amendments(sheet.pk).filter(author=user, assisted_label="")))
        | Q(Exists(Ballot.objects.filter(round__sheet=sheet, voter=user)))
    )


def person_key(text: str) -> str:
    """How two pseudonyms (or places) typed by mediators are compared: without case, accents
    or spaces (« A. B. » = « a.b. », « Médiathèque » = « MEDIATHEQUE »)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and not ch.isspace())
    return kept.casefold()


def _assisted_people(sheet: ProjectSheet) -> int:
    """Distinct people reached through mediation, in one query: the (pseudonym, place) pairs of
    the visible comments and submitted amendments a mediator recorded and of the counted paper
    ballots (a counted ballot has two typings, which may read the pseudonym differently: its
    first typing names the person), distinct in the database, then compared by `person_key`
    (portable on SQLite and PostgreSQL alike, on at most one row per pair)."""
    earlier_typing = PaperBallotEntry.objects.filter(
        ballot=OuterRef("ballot"), pk__lt=OuterRef("pk")
    )
    comments = (
        visible_comments(sheet.pk)
        .exclude(assisted_label="")
        .order_by()
        .values_list("assisted_label", "assisted_place")
    )
    amendments = (
        submitted_amendments(sheet.pk)
        .exclude(assisted_label="")
        .order_by()
        .values_list("assisted_label", "assisted_place")
    )
    paper = (
        PaperBallotEntry.objects.filter(round__sheet=sheet, ballot__isnull=False)
        .exclude(Exists(earlier_typing))
        .order_by()
        .values_list("voter_label", "place")
    )
    rows = comments.union(amendments, paper)
    return len({(person_key(label), person_key(place)) for label, place in rows})


def _comment_figures(sheet: ProjectSheet) -> dict[str, int]:
    replies = team_replies(sheet.workspace_id)
    rows = (
        visible_comments(sheet.pk)
        .order_by()
        .aggregate(
            comments=Count("pk"),
            answered=Count("pk", filter=Q(Exists(replies))),
            changed=Count("pk", filter=Q(Exists(replies.filter(Exists(changed_after(sheet.pk)))))),
        )
    )
    return {key: value or 0 for key, value in rows.items()}


def _response_times(sheet: ProjectSheet) -> dict[str, Any]:
    now = timezone.now()
    rows = list(
        Request.objects.filter(sheet=sheet)
        .order_by()
        .values_list("state", "boilerplate", "on_time", "answer_days", "due_at")
    )
    answered = [r for r in rows if r[0] == Request.State.ANSWERED and not r[1]]
    settled = [
        r
        for r in rows
        if r[0] != Request.State.CLOSED_INADMISSIBLE
        and (r[0] == Request.State.ANSWERED or r[4] < now)
    ]
    days = [r[3] for r in answered if r[3] is not None]
    on_time = sum(1 for r in answered if r[2])
    return {
        "requests": len(rows),
        "answered": len(answered),
        "median_days": statistics.median(days) if days else None,
        "within_commitment_share": round(on_time / len(settled), 3) if settled else None,
    }


def _of_sheet(queryset: QuerySet, sheet_path: str, aggregate: Aggregate) -> Coalesce:
    """One aggregate over the rows of `queryset` belonging to the outer sheet, as a subquery
    (0 when there is none)."""
    rows = (
        queryset.filter(**{sheet_path: OuterRef("pk")})
        .order_by()
        .values(sheet_path)
        .annotate(value=aggregate)
        .values("value")
    )
    return Coalesce(Subquery(rows), 0)


def _by_commune(sheet: ProjectSheet) -> tuple[int, list[dict[str, Any]]]:
    rows = (
        User.objects.filter(_contributed(sheet))
        .order_by()
        .values("commune__name")
        .annotate(n=Count("pk"))
    )
    total = 0
    communes: list[dict[str, Any]] = []
    for row in rows:
        total += row["n"]
        small = row["n"] < SMALL_GROUP
        communes.append(
            {
                "commune": row["commune__name"],
                "participants": None if small else row["n"],
                "fewer_than": SMALL_GROUP if small else None,
            }
        )
    # The largest groups first, then by name; the commune left blank last.
    communes.sort(
        key=lambda c: (c["commune"] is None, -int(c["participants"] or 0), str(c["commune"] or ""))
    )
    return total, communes


def sheet_indicators(sheet: ProjectSheet) -> dict[str, Any]:
    """Six queries whatever the number of comments, amendments, ballots, meetings, requests and
    participants (online or reached through mediation)."""
    comments = _comment_figures(sheet)
    amendments = Amendment.objects.filter(sheet=sheet).aggregate(
        submitted=Count("pk", filter=~Q(state=Amendment.State.WITHDRAWN)),
        merged=Count("pk", filter=Q(state=Amendment.State.ACCEPTED)),
    )
    # In one query: online voters (distinct accounts) and paper ballots (typed twice by
    # mediators, counted without an account: amendments' paper ballots); meetings and workshops
    # whose restitution is published (`meetings`), with their attendance.
    offline = (
        ProjectSheet.objects.filter(pk=sheet.pk)
        .values(
            voters=_of_sheet(Ballot.objects.all(), "round__sheet", Count("voter", distinct=True)),
            paper=_of_sheet(Ballot.objects.filter(voter__isnull=True), "round__sheet", Count("pk")),
            held=_of_sheet(
                Meeting.objects.filter(restitution_published_at__isnull=False), "sheet", Count("pk")
            ),
            attendance=_of_sheet(
                Meeting.objects.filter(restitution_published_at__isnull=False),
                "sheet",
                Sum("attendance"),
            ),
        )
        .get()
    )
    online, communes = _by_commune(sheet)
    assisted = _assisted_people(sheet)
    contributions = comments["comments"] + amendments["submitted"]
    followed = amendments["merged"] + comments["changed"]
    version = sheet.current_version
    sections = version.sections if version is not None else {}
    return {
        "participants": online + assisted,
        "participants_online": online,
        "participants_assisted": assisted,
        "comments": comments["comments"],
        "comments_answered": comments["answered"],
        "comments_answered_by_change": comments["changed"],
        "amendments_submitted": amendments["submitted"],
        "amendments_merged": amendments["merged"],
        "voters": offline["voters"],
        "paper_ballots": offline["paper"],
        "meetings_held": offline["held"],
        "meetings_attendance": offline["attendance"],
        "contributions": contributions,
        "followed_by_change": followed,
        "followed_by_change_share": round(followed / contributions, 3) if contributions else None,
        "response_published": bool(str(sections.get(RESPONSE_SECTION) or "").strip()),
        "official_response_times": _response_times(sheet),
        "participants_by_commune": communes,
    }


def evaluation_participant(*, user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """Took part: contributed in their own name (any comment, even one moderated since; not
    what a mediator recorded for someone else), sent a request about the sheet, is a member of
    its workspace, or is an official involved (framing note, round, request). One query."""
    if not user.is_authenticated or not user.is_active:
        return False
    me = OuterRef("pk")
    took_part = (
        Q(Exists(Comment.objects.filter(debate__sheet=sheet, author=me, assisted_label="")))
        | Q(Exists(Debate.objects.filter(sheet=sheet, author=me)))
        | Q(Exists(Amendment.objects.filter(sheet=sheet, author=me, assisted_label="")))
        | Q(Exists(Ballot.objects.filter(round__sheet=sheet, voter=me)))
        | Q(Exists(Request.objects.filter(sheet=sheet, sender=me)))
        | Q(Exists(Request.objects.filter(sheet=sheet, official__user=me)))
        | Q(Exists(Membership.objects.filter(workspace_id=sheet.workspace_id, user=me)))
        | Q(Exists(FramingNote.objects.filter(sheet=sheet, author=me)))
        | Q(Exists(AmendmentRound.objects.filter(sheet=sheet, official=me)))
    )
    return User.objects.filter(pk=user.pk).filter(took_part).exists()


def answer_of(*, user: User | AnonymousUser, sheet: ProjectSheet) -> Answer | None:
    if not user.is_authenticated:
        return None
    return Answer.objects.filter(sheet=sheet, user=user).first()


def _means(rows: list[dict]) -> dict[str, float | None]:
    means: dict[str, float | None] = {}
    for pillar in Pillar:
        codes = [q.code for q in QUESTIONS if q.pillar == pillar]
        values = [row[code] for row in rows for code in codes if code in row]
        means[pillar.value] = round(sum(values) / len(values), 2) if values else None
    return means


def answers_summary(sheet: ProjectSheet) -> dict[str, Any]:
    """Means per pillar (1–4), for everyone and per role; one query.

    A role with fewer than SMALL_GROUP answers is not shown; when the roles left out hold
    between 1 and SMALL_GROUP − 1 answers together, no role is shown (the total minus the
    others would give them away); nothing is shown below SMALL_GROUP answers in all."""
    rows = list(Answer.objects.filter(sheet=sheet).values_list("role", "scores"))
    total = len(rows)
    summary: dict[str, Any] = {
        "answers": total,
        "small_group": SMALL_GROUP,
        "pillars": None,
        "by_role": [],
    }
    if total < SMALL_GROUP:
        return summary
    summary["pillars"] = _means([scores for _role, scores in rows])
    groups = {role.value: [s for r, s in rows if r == role.value] for role in Role}
    left_out = sum(len(g) for g in groups.values() if len(g) < SMALL_GROUP)
    if 0 < left_out < SMALL_GROUP:
        return summary
    summary["by_role"] = [
        {"role": role, "answers": len(group), "pillars": _means(group)}
        for role, group in groups.items()
        if len(group) >= SMALL_GROUP
    ]
    return summary


def sheet_evaluation(
    *, user: User | AnonymousUser, sheet: ProjectSheet, with_indicators: bool = True
) -> dict[str, Any]:
    """What the card and the API show. The caller has seen the sheet (its policy, 404
    otherwise); the figures are the same for everyone who sees it (only visible content
    counted), and the caller's own answer and whether they may answer are added."""
    reached = evaluation_reached(sheet)
    result: dict[str, Any] = {
        "sheet": sheet.pk,
        "stage": sheet.stage,
        "available": reached,
        "open": evaluation_open(sheet),
        "indicators": None,
        "participation_level": None,
        "questionnaire": None,
    }
    if not reached:
        return result
    indicators = sheet_indicators(sheet)
    result["indicators"] = indicators
    result["participation_level"] = {
        "promised": sheet.participation_level,
        "delivered": delivered_level(indicators),
        "flags": promise_flags(sheet.participation_level, indicators),
    }
    mine = answer_of(user=user, sheet=sheet)
    result["questionnaire"] = {
        **answers_summary(sheet),
        "can_answer": result["open"]
        and mine is None
        and evaluation_participant(user=user, sheet=sheet),
        "my_answer": None if mine is None else {"role": mine.role, "scores": mine.scores},
    }
    return result
