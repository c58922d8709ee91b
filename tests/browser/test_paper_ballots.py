"""A mediator records a paper ballot on a phone: the round's page leads to the paper ballot
page, the mediator types the paper's number, place and grades, a second mediator types the same
paper and it is counted; the rule and the form pass axe-core at a phone's width and on a
desktop."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def paper_round(site):
    """A round in its judgment window on the demo sheet in consultation, and Bob a mediator
    (before Playwright); the demo's agent is staff, a mediator by right."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.services.mediation import mediator_grant
    from amendments.models import AmendmentRound

    round_ = AmendmentRound.objects.get(sheet__slug="stationnement-velos-gare-centrale")
    AmendmentRound.objects.filter(pk=round_.pk).update(
        submission_ends=timezone.now() - datetime.timedelta(seconds=1)
    )
    mediator_grant(actor=None, user=User.objects.get(email="bob@demo.fabrique.test"))
    return round_


def _type_paper(page, grades: list[int]) -> None:
    page.get_by_label("Numéro écrit sur le bulletin").fill("B-012")
    page.get_by_label("Lieu du vote").fill("Mairie de quartier")
    page.get_by_label("Pseudonyme ou initiales de la personne").fill("C. M.")
    page.get_by_label("La personne déclare ne pas avoir de bulletin en ligne").check()
    groups = page.locator("form.ballot").get_by_role("group")
    expect(groups).to_have_count(len(grades))
    for index, grade in enumerate(grades):
        groups.nth(index).get_by_role("radio").nth(grade).check()
    page.get_by_role("button", name="Enregistrer cette saisie").click()


def test_a_mediator_records_a_paper_ballot(paper_round, ui):
    bob = ui.as_user("bob@demo.fabrique.test")
    bob.goto(paper_round.get_absolute_url())
    bob.get_by_role("link", name="Saisir un bulletin papier (médiation)").click()
    expect(bob.get_by_role("heading", level=1)).to_contain_text("Saisir un bulletin papier")
    expect(bob.get_by_text("Une personne, un bulletin")).to_be_visible()
    ui.check("paper-ballot", bob)
    _type_paper(bob, [2, 5, 4])
    expect(bob.get_by_text("première saisie enregistrée")).to_be_visible()
    expect(bob.get_by_text("n° B-012, Mairie de quartier")).to_be_visible()
    ui.check("paper-ballot-waiting", bob)

    agent = ui.as_user("agent@demo.fabrique.test")
    agent.goto(f"/amendements/tours/{paper_round.pk}/bulletins-papier/")
    _type_paper(agent, [2, 6, 4])  # misread: refused, nothing changes
    expect(agent.get_by_text("ne concorde pas")).to_be_visible()
    ui.check("paper-ballot-mismatch", agent)
    agent.goto(f"/amendements/tours/{paper_round.pk}/bulletins-papier/")
    _type_paper(agent, [2, 5, 4])
    expect(agent.get_by_text("Bulletin n° B-012 : les deux saisies concordent")).to_be_visible()
    expect(agent.get_by_text("Mairie de quartier : 1 bulletin papier")).to_be_visible()
