"""Paper ballots typed twice by two mediators: agreement counts once and enters the round's
results like an online ballot; disagreement, the same mediator twice and a reused number are
refused and change nothing; the no-online-ballot declaration is required; counts per place."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import PlatformRole
from accounts.services.mediation import mediator_grant, mediator_revoke
from amendments.errors import (
    AmendmentConflict,
    AmendmentForbidden,
    AmendmentNotFound,
    BallotIncomplete,
    PaperBallotMismatch,
)
from amendments.models import Ballot, BallotGrade, PaperBallotEntry, RoundResult
from amendments.selectors import paper_ballot_counts_by_place, round_judges, round_tally
from amendments.services import amendment_submit, ballot_cast, paper_ballot_enter, round_close

from ..factories import UserFactory
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db

SQ = "status_quo:summary"


def mediator():
    person = UserFactory()
    mediator_grant(actor=staff(), user=person)
    return type(person).objects.get(pk=person.pk)


@pytest.fixture
def judged():
    """A round in judgment with one amendment: candidates SQ and the amendment."""
    round_ = open_round(quorum=3)
    amendment = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Mieux.", base_version=1
    )
    return to_judgment(round_), str(amendment.pk)


def enter(round_, actor, grades, identifier="B-001", place="Mairie annexe", **extra):
    values = {
        "identifier": identifier,
        "place": place,
        "voted_on": timezone.localdate(),
        "voter_label": "J. D.",
        "declared_no_online_ballot": True,
    }
    values.update(extra)
    return paper_ballot_enter(actor=actor, round_=round_, grades=grades, **values)


def test_two_agreeing_entries_count_once_and_enter_the_results(judged):
    round_, a = judged
    ballot_cast(actor=UserFactory(), round_=round_, grades={SQ: 3, a: 2})
    ballot_cast(actor=UserFactory(), round_=round_, grades={SQ: 4, a: 5})
    first = enter(round_, mediator(), {SQ: 1, a: 6})
    assert first.ballot is None and round_judges(round_) == 2  # one entry counts nothing
    second = enter(round_, mediator(), {SQ: 1, a: 6}, identifier=" b-001 ", place="MAIRIE annexe")
    assert second.ballot is not None and round_judges(round_) == 3
    first.refresh_from_db()
    assert first.ballot_id == second.ballot_id and second.ballot.voter is None
    assert round_tally(round_)[a] == [0, 0, 1, 0, 0, 1, 1]
    round_close(actor=staff(), round_=round_)
    results = {r.candidate: r for r in RoundResult.objects.filter(round=round_)}
    # a: 2 5 6 → majority grade 5, first; status quo: 1 3 4 → 3. Without the paper ballot the
    # quorum (3) would not be met and a (2, 5) would trail the status quo (3, 4).
    assert (results[a].judges, results[a].majority_grade, results[a].rank) == (3, 5, 1)
    assert (results[SQ].majority_grade, results[SQ].rank) == (3, 2)
    assert results[a].retained


def test_disagreement_is_refused_with_the_candidates_and_changes_nothing(judged):
    round_, a = judged
    first = enter(round_, mediator(), {SQ: 1, a: 6})
    with pytest.raises(PaperBallotMismatch) as refused:
        enter(round_, mediator(), {SQ: 2, a: 6}, voted_on=timezone.localdate())
    assert refused.value.extra["differences"] == [SQ]
    with pytest.raises(PaperBallotMismatch) as refused:
        enter(round_, mediator(), {SQ: 1, a: 6}, place="Médiathèque")
    assert refused.value.extra["differences"] == ["lieu"]
    assert list(PaperBallotEntry.objects.values_list("pk", flat=True)) == [first.pk]
    assert Ballot.objects.count() == 0 and BallotGrade.objects.count() == 0
    # A later entry that agrees with the first still counts it.
    assert enter(round_, mediator(), {SQ: 1, a: 6}).ballot is not None


def test_the_same_mediator_twice_is_refused(judged):
    round_, a = judged
    person = mediator()
    enter(round_, person, {SQ: 1, a: 6})
    with pytest.raises(AmendmentConflict):
        enter(round_, person, {SQ: 1, a: 6})
    assert PaperBallotEntry.objects.count() == 1 and Ballot.objects.count() == 0


def test_a_counted_number_is_not_reused(judged):
    round_, a = judged
    enter(round_, mediator(), {SQ: 1, a: 6})
    enter(round_, mediator(), {SQ: 1, a: 6})
    for grades in ({SQ: 1, a: 6}, {SQ: 5, a: 0}):
        with pytest.raises(AmendmentConflict):
            enter(round_, mediator(), grades, identifier="b - 001")
    assert PaperBallotEntry.objects.count() == 2 and Ballot.objects.count() == 1


def test_the_no_online_ballot_declaration_is_required(judged):
    round_, a = judged
    with pytest.raises(ValidationError):
        enter(round_, mediator(), {SQ: 1, a: 6}, declared_no_online_ballot=False)
    assert PaperBallotEntry.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "withdrawn", "moderator"])
def test_only_mediators_and_staff_enter(judged, who):
    round_, a = judged
    person = UserFactory()
    if who == "withdrawn":
        mediator_grant(actor=staff(), user=person)
        mediator_revoke(actor=staff(), user=person)
        person = type(person).objects.get(pk=person.pk)
    if who == "moderator":
        person = UserFactory(platform_role=PlatformRole.MODERATOR)
    with pytest.raises(AmendmentForbidden):
        enter(round_, person, {SQ: 1, a: 6})
    enter(round_, staff(), {SQ: 1, a: 6})  # staff mediate themselves
    assert PaperBallotEntry.objects.count() == 1


def test_outside_the_judgment_window_is_refused():
    round_ = open_round()
    with pytest.raises(AmendmentConflict):
        enter(round_, mediator(), {SQ: 1})
    round_ = to_judgment(round_)
    round_close(actor=staff(), round_=round_)
    with pytest.raises(AmendmentConflict):
        enter(round_, mediator(), {SQ: 1})


def test_a_private_sheet_round_is_not_found(judged):
    round_, a = judged
    round_.sheet.workspace.visibility = "private"
    round_.sheet.workspace.save(update_fields=["visibility"])
    with pytest.raises(AmendmentNotFound):
        enter(round_, mediator(), {SQ: 1, a: 6})


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"identifier": ""}, ValidationError),
        ({"identifier": "x" * 41}, ValidationError),
        ({"place": "  "}, ValidationError),
        ({"place": "p" * 201}, ValidationError),
        ({"voter_label": ""}, ValidationError),
        ({"voted_on": "2026-01-01"}, ValidationError),
        ({"voted_on": datetime.date(1990, 1, 1)}, ValidationError),
        ({"voted_on": timezone.localdate() + datetime.timedelta(days=2)}, ValidationError),
        ({"grades": {SQ: 7, "A": 1}}, ValidationError),
        ({"grades": {SQ: True, "A": 1}}, ValidationError),
        ({"grades": {SQ: 1}}, BallotIncomplete),
        ({"grades": ["x"]}, ValidationError),
    ],
)
def test_hostile_input_is_refused(judged, extra, error):
    round_, a = judged
    grades = extra.pop("grades", {SQ: 1, "A": 6})
    if isinstance(grades, dict):
        grades = {(a if key == "A" else key): value for key, value in grades.items()}
    with pytest.raises(error):
        enter(round_, mediator(), grades, **extra)
    assert PaperBallotEntry.objects.count() == 0


def test_counts_per_place(judged):
    round_, a = judged
    for number, place in [("1", "Mairie annexe"), ("2", "Médiathèque"), ("3", "Mairie annexe")]:
        enter(round_, mediator(), {SQ: 1, a: 6}, identifier=number, place=place)
        enter(round_, mediator(), {SQ: 1, a: 6}, identifier=number, place=place)
    enter(round_, mediator(), {SQ: 1, a: 6}, identifier="4", place="Médiathèque")  # waiting
    assert paper_ballot_counts_by_place(round_=round_) == [
        ("Mairie annexe", 2),
        ("Médiathèque", 1),
    ]


def test_a_misread_first_entry_is_withdrawn_and_the_paper_typed_afresh(judged):
    """GIVEN a first entry misread (a disagreement refuses every correct second entry) WHEN its
    mediator withdraws it THEN two fresh agreeing entries count the paper, and the withdrawn
    entry stays in the trail without counting."""
    from amendments.services import paper_ballot_entry_withdraw

    round_, a = judged
    first, other = mediator(), mediator()
    wrong = enter(round_, first, {SQ: 1, a: 5})
    with pytest.raises(PaperBallotMismatch):
        enter(round_, other, {SQ: 1, a: 6})
    with pytest.raises(AmendmentForbidden):
        paper_ballot_entry_withdraw(actor=other, entry=wrong)  # not theirs
    paper_ballot_entry_withdraw(actor=first, entry=wrong)
    with pytest.raises(AmendmentConflict):
        paper_ballot_entry_withdraw(actor=first, entry=wrong)  # already withdrawn
    enter(round_, first, {SQ: 1, a: 6})
    counted = enter(round_, other, {SQ: 1, a: 6})
    assert counted.ballot is not None and round_judges(round_) == 1
    assert PaperBallotEntry.objects.filter(withdrawn_at__isnull=False).count() == 1
    with pytest.raises(AmendmentConflict):
        paper_ballot_entry_withdraw(actor=other, entry=counted)  # a counted ballot stays
