"""A round from opening to results through the services: submissions, withdrawal, complete
ballots changed until the close, the tally in the database, retained amendments."""

from __future__ import annotations

import pytest

from amendments.errors import AmendmentConflict, BallotIncomplete
from amendments.models import Amendment, RoundResult
from amendments.selectors import round_candidates, round_tally
from amendments.services import (
    amendment_submit,
    amendment_withdraw,
    ballot_cast,
    round_close,
)

from ..factories import UserFactory
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db


def submit(round_, author, field="summary", text="Un résumé amendé."):
    return amendment_submit(
        actor=author, sheet=round_.sheet, field=field, text=text, base_version=1
    )


def test_a_round_from_submissions_to_results():
    round_ = open_round(min_grade=3, quorum=2)
    good = submit(round_, UserFactory(), text="Un résumé bien meilleur.")
    weak = submit(round_, UserFactory(), text="Un résumé moins bon.")
    gone = submit(round_, author := UserFactory(), field="body", text="Un corps.")
    amendment_withdraw(actor=author, amendment=gone)
    ids = [c["id"] for c in round_candidates(round_)]
    assert ids == ["status_quo:summary", str(good.pk), str(weak.pk)]
    with pytest.raises(AmendmentConflict):
        ballot_cast(actor=UserFactory(), round_=round_, grades={i: 3 for i in ids})
    round_ = to_judgment(round_)
    with pytest.raises(AmendmentConflict):
        submit(round_, UserFactory())
    judges = [UserFactory() for _ in range(3)]
    grades = [
        {"status_quo:summary": 3, str(good.pk): 5, str(weak.pk): 1},
        {"status_quo:summary": 2, str(good.pk): 4, str(weak.pk): 3},
        {"status_quo:summary": 4, str(good.pk): 6, str(weak.pk): 2},
    ]
    for judge, ballot in zip(judges, grades, strict=True):
        ballot_cast(actor=judge, round_=round_, grades=ballot)
    with pytest.raises(BallotIncomplete):
        ballot_cast(actor=judges[0], round_=round_, grades={"status_quo:summary": 3})
    # A judge changes their mind: the ballot is replaced, not added.
    ballot_cast(
        actor=judges[0],
        round_=round_,
        grades={"status_quo:summary": 3, str(good.pk): 5, str(weak.pk): 0},
    )
    assert round_tally(round_)[str(weak.pk)] == [1, 0, 1, 1, 0, 0, 0]
    round_close(actor=staff(), round_=round_)
    results = {r.candidate: r for r in RoundResult.objects.filter(round=round_)}
    # good: 4 5 6 → α 5, p = 1/3, q = 1/3 → "5−", first. status quo: 2 3 4 → "3−". weak: 0 2 3 → "2−".
    assert (results[str(good.pk)].rank, results[str(good.pk)].majority_grade) == (1, 5)
    assert (results["status_quo:summary"].rank, results[str(weak.pk)].rank) == (2, 3)
    assert results[str(good.pk)].retained and not results[str(weak.pk)].retained
    good.refresh_from_db()
    weak.refresh_from_db()
    assert (good.state, weak.state) == (Amendment.State.RETAINED, Amendment.State.NOT_RETAINED)
    with pytest.raises(AmendmentConflict):
        ballot_cast(actor=UserFactory(), round_=round_, grades={})


def test_quorum_not_met_retains_nothing():
    round_ = open_round(quorum=3)
    a = submit(round_, UserFactory())
    round_ = to_judgment(round_)
    ballot_cast(actor=UserFactory(), round_=round_, grades={"status_quo:summary": 0, str(a.pk): 6})
    round_close(actor=staff(), round_=round_)
    a.refresh_from_db()
    assert a.state == Amendment.State.NOT_RETAINED


def test_a_submitted_amendment_is_not_rejected_under_judgment():
    """The API answers the same: 409 with the reason, nothing changed."""
    from amendments.errors import AmendmentConflict
    from amendments.services import amendment_reject

    round_ = open_round()
    a = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    to_judgment(round_)
    with pytest.raises(AmendmentConflict, match="la décision viendra après la clôture"):
        amendment_reject(actor=staff(), amendment=a, motivation="Trop tard.")
    a.refresh_from_db()
    assert a.state == "submitted"
