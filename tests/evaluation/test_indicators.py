"""The evaluation's indicators against hand-computed values, and the promise kept or not."""

from __future__ import annotations

import pytest

from evaluation.rules import RULES, delivered_level, promise_flags
from evaluation.selectors import sheet_evaluation, sheet_indicators
from projects.models import LEVEL_ORDER, ProjectSheet, Stage
from workflow.checklist import checklist_state

from .factories import built, to_stage

pytestmark = pytest.mark.django_db


def test_the_indicators_match_the_hand_count(django_assert_max_num_queries):
    w = built()
    with django_assert_max_num_queries(6):
        ind = sheet_indicators(w.sheet)
    assert ind["comments"] == 8  # the hidden and the deleted comment left out
    assert ind["comments_answered"] == 2
    assert ind["comments_answered_by_change"] == 1
    assert ind["amendments_submitted"] == 2  # the withdrawn one left out
    assert ind["amendments_merged"] == 1
    assert ind["voters"] == 1
    assert ind["contributions"] == 10
    assert ind["followed_by_change"] == 2
    assert ind["followed_by_change_share"] == 0.2
    assert ind["participants"] == 10
    assert ind["official_response_times"] == {
        "requests": 3,
        "answered": 2,
        "median_days": 6,
        "within_commitment_share": 0.5,
    }
    assert ind["participants_by_commune"] == [
        {"commune": "Strasbourg", "participants": 6, "fewer_than": None},
        {"commune": "Schiltigheim", "participants": None, "fewer_than": 5},
        {"commune": None, "participants": None, "fewer_than": 5},
    ]


def test_a_hidden_comment_never_shows_in_the_public_figures(client):
    w = built()
    body = client.get(f"/api/v1/sheets/{w.sheet.pk}/evaluation/").json()
    assert body["indicators"]["comments"] == 8
    # The hidden comment's author f contributed nothing else: not a participant either.
    assert body["indicators"]["participants"] == 10


def test_the_queries_stay_constant_as_contributions_grow(django_assert_max_num_queries):
    from debates.models import Debate

    from ..debates.factories import comment
    from ..factories import UserFactory

    w = built()
    d = Debate.objects.get(sheet=w.sheet)
    for n in range(15):
        comment(d, author=UserFactory(), body=f"Encore {n}.")
    with django_assert_max_num_queries(6):
        assert sheet_indicators(w.sheet)["comments"] == 23


def _indicators(**values):
    base = {
        "contributions": 0,
        "comments_answered": 0,
        "response_published": False,
        "amendments_merged": 0,
        "voters": 0,
    }
    return {**base, **values}


NOTHING = _indicators()
CONTRIBUTED = _indicators(contributions=3)
ANSWERED = _indicators(contributions=3, comments_answered=1)
PUBLISHED = _indicators(contributions=3, response_published=True)
MERGED = _indicators(contributions=3, comments_answered=1, amendments_merged=1)
VOTED = _indicators(contributions=3, comments_answered=1, amendments_merged=1, voters=4)


@pytest.mark.parametrize(
    ("promised", "indicators", "delivered", "flags"),
    [
        ("inform", NOTHING, "inform", []),
        ("consult", NOTHING, "inform", ["Consulter promis, aucune contribution recueillie"]),
        ("consult", CONTRIBUTED, "consult", []),
        ("concert", CONTRIBUTED, "consult", ["Concerter promis, aucune réponse aux contributions"]),
        ("concert", ANSWERED, "concert", []),
        ("concert", PUBLISHED, "concert", []),
        ("co_construct", ANSWERED, "concert", ["Co-construire promis, aucun amendement intégré"]),
        (
            "co_construct",
            CONTRIBUTED,
            "consult",
            [
                "Co-construire promis, aucune réponse aux contributions",
                "Co-construire promis, aucun amendement intégré",
            ],
        ),
        ("co_construct", MERGED, "co_construct", []),
        ("co_decide", MERGED, "co_construct", ["Co-décider promis, aucun vote des participant·es"]),
        ("co_decide", VOTED, "co_decide", []),
        ("consult", VOTED, "co_decide", []),
    ],
)
def test_promised_versus_delivered_per_level(promised, indicators, delivered, flags):
    assert delivered_level(indicators) == delivered
    assert [f["message"] for f in promise_flags(promised, indicators)] == flags


def test_every_level_above_inform_has_a_rule():
    assert {rule.level for rule in RULES} == set(LEVEL_ORDER[1:])


@pytest.mark.parametrize("level", LEVEL_ORDER)
def test_the_checklist_reads_the_same_flags_as_the_card(level):
    """GIVEN the built consultation promised at each level WHEN the checklist asks the
    database THEN "promised vs delivered" is met exactly when the card shows no flag."""
    w = built(level)
    card = sheet_evaluation(user=w.stranger, sheet=w.sheet)
    state = checklist_state(w.sheet)
    assert state["promised_vs_delivered"] is (card["participation_level"]["flags"] == [])
    assert state["indicators"] is True


def test_the_checklist_flags_a_co_construction_without_a_merged_amendment():
    from amendments.models import Amendment

    w = built("co_construct")
    assert checklist_state(w.sheet)["promised_vs_delivered"] is True
    Amendment.objects.filter(sheet=w.sheet).update(state=Amendment.State.REJECTED)
    assert checklist_state(w.sheet)["promised_vs_delivered"] is False
    card = sheet_evaluation(user=w.stranger, sheet=w.sheet)
    assert [f["code"] for f in card["participation_level"]["flags"]] == ["no_amendment_merged"]


def test_an_archive_that_went_through_evaluation_keeps_its_card_and_one_that_did_not_has_none():
    from ..factories import SheetFactory

    w = built()
    archived = to_stage(w.sheet, Stage.ARCHIVED)
    assert sheet_evaluation(user=w.stranger, sheet=archived)["available"] is True
    assert sheet_evaluation(user=w.stranger, sheet=archived)["open"] is False
    skipped = SheetFactory(stage=Stage.ARCHIVED)
    assert sheet_evaluation(user=w.stranger, sheet=skipped)["indicators"] is None
    consulting = SheetFactory(stage=Stage.CONSULTATION)
    assert checklist_state(consulting)["indicators"] is False
    assert ProjectSheet.objects.get(pk=archived.pk).stage == Stage.ARCHIVED


def test_paper_ballots_and_reported_meetings_count(django_assert_max_num_queries):
    """Paper ballots (counted without an account) are votes; meetings count once their
    restitution is published, with the attendance it gives; a meeting without one does not."""
    import datetime

    from django.utils import timezone

    from amendments.models import AmendmentRound, Ballot
    from meetings.models import Meeting
    from meetings.services import meeting_restitution_publish

    from ..meetings.factories import meeting, staff

    w = built()
    round_ = AmendmentRound.objects.filter(sheet=w.sheet).first()
    Ballot.objects.create(round=round_, voter=None)
    Ballot.objects.create(round=round_, voter=None)
    agent = staff()
    held = [meeting(sheet=w.sheet, actor=agent), meeting(sheet=w.sheet, actor=agent)]
    meeting(sheet=w.sheet, actor=agent, title="Pas encore tenue")
    past = timezone.now() - datetime.timedelta(days=2)
    Meeting.objects.filter(pk__in=[m.pk for m in held]).update(
        starts=past, ends=past + datetime.timedelta(hours=2)
    )
    for m, people in zip(held, (12, 30), strict=True):
        meeting_restitution_publish(
            actor=agent,
            meeting=Meeting.objects.get(pk=m.pk),
            minutes="Compte rendu.",
            attendance=people,
        )
    with django_assert_max_num_queries(6):
        ind = sheet_indicators(w.sheet)
    assert ind["voters"] == 1 and ind["paper_ballots"] == 2
    assert ind["meetings_held"] == 2 and ind["meetings_attendance"] == 42


def test_a_paper_ballot_alone_keeps_the_co_decide_promise():
    base = {
        "contributions": 1,
        "comments_answered": 1,
        "response_published": True,
        "amendments_merged": 1,
        "voters": 0,
        "paper_ballots": 1,
    }
    assert delivered_level(base) == "co_decide"
    assert delivered_level({**base, "paper_ballots": 0}) == "co_construct"
