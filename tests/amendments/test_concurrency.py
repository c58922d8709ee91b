"""Ballots under concurrent requests: one account's two ballots at once leave one complete
ballot; a ballot racing the close is either in the tally or refused, never accepted and lost;
two openings of a round at once leave one round."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amendments.errors import AmendmentConflict
from amendments.models import AmendmentRound, Ballot, BallotGrade, RoundResult
from amendments.services import amendment_submit, ballot_cast, round_close, round_open

from ..factories import SheetFactory, UserFactory
from ..moderation.test_concurrency import run_together
from .factories import open_round, staff, to_judgment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def judging_round():
    round_ = open_round()
    amendment = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    return to_judgment(round_), amendment


def test_one_accounts_two_ballots_at_once_leave_one_complete_ballot():
    round_, amendment = judging_round()
    judge = UserFactory()
    first = {"status_quo:summary": 1, str(amendment.pk): 5}
    second = {"status_quo:summary": 4, str(amendment.pk): 2}
    outcomes = run_together(
        lambda: ballot_cast(actor=judge, round_=round_, grades=first),
        lambda: ballot_cast(actor=judge, round_=round_, grades=second),
    )
    assert outcomes == ["ok", "ok"]
    assert Ballot.objects.filter(round=round_, voter=judge).count() == 1
    grades = dict(BallotGrade.objects.filter(round=round_).values_list("candidate", "grade"))
    assert grades in (first, second)


def test_a_ballot_racing_the_close_is_counted_or_refused():
    for _attempt in range(3):
        round_, amendment = judging_round()
        judge = UserFactory()
        outcomes = run_together(
            lambda r=round_, a=amendment: ballot_cast(
                actor=judge, round_=r, grades={"status_quo:summary": 2, str(a.pk): 6}
            ),
            lambda r=round_: round_close(actor=staff(), round_=r),
        )
        assert outcomes[1] == "ok"
        judges = RoundResult.objects.get(round=round_, candidate=str(amendment.pk)).judges
        if outcomes[0] == "ok":
            assert judges == 1  # it landed before the tally
        else:
            assert outcomes[0] == AmendmentConflict.__name__ and judges == 0


def test_two_openings_at_once_leave_one_round():
    sheet = SheetFactory(stage="consultation")
    now = timezone.now()

    def opening():
        round_open(
            actor=staff(),
            sheet=sheet,
            submission_ends=now + datetime.timedelta(days=2),
            judgment_ends=now + datetime.timedelta(days=4),
        )

    outcomes = run_together(opening, opening)
    assert sorted(outcomes) == [AmendmentConflict.__name__, "ok"]
    assert AmendmentRound.objects.filter(sheet=sheet).count() == 1
