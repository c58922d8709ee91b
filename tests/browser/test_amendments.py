"""Judging amendments with a keyboard and a screen reader's landmarks: a judge opens the ballot
from the round's page, grades every candidate with the arrow keys inside each group of radios,
sends it, and the round's results page shows the merit profiles once closed — every page
through axe-core at a phone's width and on a desktop."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def judging_round(site):
    """A round in its judgment window on the demo sheet in consultation (before Playwright)."""
    from django.utils import timezone

    from amendments.models import AmendmentRound

    round_ = AmendmentRound.objects.get(sheet__slug="stationnement-velos-gare-centrale")
    AmendmentRound.objects.filter(pk=round_.pk).update(
        submission_ends=timezone.now() - datetime.timedelta(seconds=1)
    )
    return round_


def test_a_judge_grades_every_candidate_with_the_keyboard(judging_round, ui):
    dan = ui.as_user("dan@demo.fabrique.test")
    dan.goto(judging_round.get_absolute_url())
    ui.check("amendment-round", dan)
    dan.get_by_role("link", name="Juger les amendements").click()
    expect(dan.get_by_role("heading", level=1)).to_contain_text("Juger les amendements")
    ui.check("amendment-ballot", dan)
    groups = dan.locator("form.ballot").get_by_role("group")
    expect(groups).to_have_count(3)  # the current summary and two amendments
    for index in range(3):
        group = groups.nth(index)
        first = group.get_by_role("radio").first
        first.focus()
        for _ in range(4 + index):  # arrows move the choice inside one group
            dan.keyboard.press("ArrowRight")
        expect(group.get_by_role("radio", checked=True)).to_have_count(1)
    dan.get_by_role("button", name="Enregistrer mon bulletin").click()
    expect(dan.get_by_text("Votre bulletin est enregistré")).to_be_visible()

    # The ballot comes back as it was sent (the database is not read once the browser runs).
    dan.goto(f"/amendements/tours/{judging_round.pk}/bulletin/")
    checked = dan.locator("form.ballot input[type=radio]:checked")
    expect(checked).to_have_count(3)
    assert sorted(int(v) for v in checked.evaluate_all("els => els.map(e => e.value)")) == [4, 5, 6]


def test_an_incomplete_ballot_says_what_is_missing(judging_round, ui):
    bob = ui.as_user("bob@demo.fabrique.test")
    bob.goto(f"/amendements/tours/{judging_round.pk}/bulletin/")
    bob.locator("form.ballot").get_by_role("group").first.get_by_role("radio").nth(3).check()
    bob.get_by_role("button", name="Enregistrer mon bulletin").click()
    summary = bob.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    ui.check("amendment-ballot-errors", bob)
