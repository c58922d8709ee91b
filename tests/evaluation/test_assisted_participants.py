"""People reached through mediation (docs/mediation.md) count as participants in the
evaluation, each once, and a mediator's account does not count for what they recorded."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import PlatformRole
from amendments.models import Amendment, AmendmentRound, Ballot, PaperBallotEntry
from debates.models import Comment, Debate
from evaluation.selectors import person_key, sheet_indicators
from projects.models import SheetVersion

from ..factories import UserFactory
from .factories import built

pytestmark = pytest.mark.django_db

MAISON = "Maison des associations"


def _recorded_comment(w, mediator, label, place, state=Comment.State.VISIBLE):
    return Comment.objects.create(
        debate=Debate.objects.get(sheet=w.sheet),
        author=mediator,
        body=f"Avis de {label}.",
        state=state,
        assisted_label=label,
        assisted_place=place,
        assisted_on=timezone.localdate(),
    )


def _recorded_amendment(w, mediator, label, place, state=Amendment.State.SUBMITTED):
    amendment = Amendment.objects.create(
        sheet=w.sheet,
        round=AmendmentRound.objects.filter(sheet=w.sheet).first(),
        author=mediator,
        field="summary",
        base_version=SheetVersion.objects.filter(sheet=w.sheet).order_by("-number").first(),
        text=f"Texte de {label}.",
        assisted_label=label,
        assisted_place=place,
        assisted_on=timezone.localdate(),
    )
    Amendment.objects.filter(pk=amendment.pk).update(state=state)
    return amendment


def _paper(w, identifier, typings, counted=True):
    """A paper ballot typed by each (mediator, pseudonym, place); counted: one Ballot without an
    account set on every typing, as the double entry does."""
    round_ = AmendmentRound.objects.filter(sheet=w.sheet).first()
    ballot = Ballot.objects.create(round=round_, voter=None) if counted else None
    for mediator, label, place in typings:
        PaperBallotEntry.objects.create(
            round=round_,
            identifier=identifier,
            place=place,
            voted_on=datetime.date(2026, 11, 20),
            voter_label=label,
            grades={},
            declared_no_online_ballot=True,
            entered_by=mediator,
            ballot=ballot,
        )


def _mediated(w):
    """On the built consultation (10 accounts, hand-counted in `built`), a mediator M (with a
    second one, N, for the paper ballots' double entry) records:

    - 3 visible comments of « A. B. » at « Maison des associations »;
    - 2 visible comments of « c. d. » at « Médiathèque Malraux »;
    - 1 amendment of « a. b. » at « maison des associations »        → A. B., already counted;
    - a counted paper ballot typed « A. B. » (M) then « AB » (N), Maison des associations
      → its first typing names it: A. B., already counted;
    - a counted paper ballot « C. D. » at « MEDIATHEQUE MALRAUX »      → c. d., already counted;
    - a hidden comment of « E. F. », a withdrawn amendment of « G. H. » and a paper ballot of
      « I. J. » typed once (not counted): none of them counts.

    People reached through mediation: A. B. and C. D. = 2. M and N wrote nothing in their own
    name: accounts stay 10. Participants: 10 + 2 = 12."""
    m = UserFactory(platform_role=PlatformRole.STAFF)
    n = UserFactory(platform_role=PlatformRole.STAFF)
    for _ in range(3):
        _recorded_comment(w, m, "A. B.", MAISON)
    for _ in range(2):
        _recorded_comment(w, m, "c. d.", "Médiathèque Malraux")
    _recorded_amendment(w, m, "a. b.", "maison des associations")
    _paper(w, "P-1", [(m, "A. B.", MAISON), (n, "AB", MAISON)])
    _paper(w, "P-2", [(m, "C. D.", "MEDIATHEQUE MALRAUX"), (n, "C. D.", "MEDIATHEQUE MALRAUX")])
    _recorded_comment(w, m, "E. F.", MAISON, state=Comment.State.HIDDEN)
    _recorded_amendment(w, m, "G. H.", MAISON, state=Amendment.State.WITHDRAWN)
    _paper(w, "P-3", [(m, "I. J.", MAISON)], counted=False)
    return m


def test_people_reached_through_mediation_count_once_and_the_mediator_not_at_all(
    django_assert_num_queries,
):
    w = built()
    _mediated(w)
    with django_assert_num_queries(6):
        ind = sheet_indicators(w.sheet)
    assert ind["participants_online"] == 10
    assert ind["participants_assisted"] == 2
    assert ind["participants"] == 12
    assert ind["paper_ballots"] == 2
    assert ind["comments"] == 8 + 5  # the hidden recorded comment left out
    assert ind["amendments_submitted"] == 2 + 1  # the withdrawn recorded amendment left out
    # By commune: the accounts only (the same rows as without mediation).
    assert ind["participants_by_commune"] == [
        {"commune": "Strasbourg", "participants": 6, "fewer_than": None},
        {"commune": "Schiltigheim", "participants": None, "fewer_than": 5},
        {"commune": None, "participants": None, "fewer_than": 5},
    ]


def test_a_mediator_counts_as_an_account_for_what_they_write_in_their_own_name():
    w = built()
    m = _mediated(w)
    Comment.objects.create(debate=Debate.objects.get(sheet=w.sheet), author=m, body="Mon avis.")
    ind = sheet_indicators(w.sheet)
    assert (ind["participants_online"], ind["participants_assisted"]) == (11, 2)
    assert ind["participants"] == 13


def test_a_person_only_in_a_hidden_comment_or_a_withdrawn_amendment_is_not_counted():
    w = built()
    m = UserFactory(platform_role=PlatformRole.STAFF)
    hidden = _recorded_comment(w, m, "E. F.", MAISON)
    withdrawn = _recorded_amendment(w, m, "G. H.", MAISON)
    assert sheet_indicators(w.sheet)["participants_assisted"] == 2
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    Amendment.objects.filter(pk=withdrawn.pk).update(state=Amendment.State.WITHDRAWN)
    ind = sheet_indicators(w.sheet)
    assert (ind["participants_assisted"], ind["participants"]) == (0, 10)


def test_the_same_pseudonym_at_another_place_is_another_person():
    w = built()
    m = UserFactory(platform_role=PlatformRole.STAFF)
    _recorded_comment(w, m, "A. B.", MAISON)
    _recorded_comment(w, m, "A. B.", "Centre social du Neuhof")
    assert sheet_indicators(w.sheet)["participants_assisted"] == 2


@pytest.mark.parametrize(
    ("one", "other"),
    [("A. B.", "a.b."), ("Médiathèque", "MEDIATHEQUE"), ("Zoé  Ç", "zoe c"), ("Œil", "œil")],
)
def test_pseudonyms_and_places_compare_without_case_accents_or_spaces(one, other):
    assert person_key(one) == person_key(other)
    assert person_key("A. B.") != person_key("A. C.")


def test_the_queries_stay_constant_as_mediation_grows(django_assert_num_queries):
    w = built()
    m = UserFactory(platform_role=PlatformRole.STAFF)
    n = UserFactory(platform_role=PlatformRole.STAFF)
    for i in range(12):
        _recorded_comment(w, m, f"P{i}", MAISON)
        _recorded_amendment(w, m, f"Q{i}", MAISON)
        _paper(w, f"B-{i}", [(m, f"R{i}", MAISON), (n, f"R{i}", MAISON)])
    with django_assert_num_queries(6):
        assert sheet_indicators(w.sheet)["participants_assisted"] == 36


def test_the_card_and_the_api_say_who_was_reached_through_mediation(client):
    w = built()
    _mediated(w)
    body = client.get(f"/api/v1/sheets/{w.sheet.pk}/evaluation/").json()["indicators"]
    assert (body["participants"], body["participants_online"], body["participants_assisted"]) == (
        12,
        10,
        2,
    )
    page = client.get(w.sheet.get_absolute_url()).content.decode()
    assert "12 (dont 2 recueilli·es par un·e médiateur·rice, sans commune connue)" in page
    assert "S'y ajoutent 2 personnes recueillies par un·e médiateur·rice" in page
    schema = client.get("/api/schema/").content.decode()
    assert "participants_assisted" in schema and "participants_online" in schema


def test_the_card_in_english(client):
    w = built()
    _mediated(w)
    client.cookies["django_language"] = "en"
    page = client.get(w.sheet.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "12 (including 2 collected by a mediator, commune unknown)" in page


def test_recording_for_others_does_not_make_the_mediator_a_respondent():
    """The questionnaire is for those who took part: a mediator who only recorded others'
    comments and amendments may not answer it; once they write in their own name, they may."""
    from evaluation.selectors import evaluation_participant

    w = built()
    mediator = UserFactory()  # a resident, member of no workspace
    _recorded_comment(w, mediator, "A. B.", MAISON)
    _recorded_amendment(w, mediator, "A. B.", MAISON)
    assert not evaluation_participant(user=mediator, sheet=w.sheet)
    Comment.objects.create(
        debate=Debate.objects.get(sheet=w.sheet), author=mediator, body="Mon avis."
    )
    assert evaluation_participant(user=mediator, sheet=w.sheet)
