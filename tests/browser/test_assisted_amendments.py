"""A mediator records the amendment of a person without an account, on a phone and a desktop:
from the sheet's amendments, choosing the field, the person's pseudonym, place, day and text;
refused without the person's consent, then published marked « recueilli par un·e
médiateur·rice à … le … » on its page and on the sheet — each step through axe-core."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHEET = "/fiches/stationnement-velos-gare-centrale/"


@pytest.fixture
def bob_mediates(site):
    """Bob a mediator (before Playwright); the demo round is in its submission window."""
    from accounts.models import User
    from accounts.services.mediation import mediator_grant

    mediator_grant(actor=None, user=User.objects.get(email="bob@demo.fabrique.test"))


def test_a_mediator_records_an_amendment(bob_mediates, ui):
    bob = ui.as_user("bob@demo.fabrique.test")
    bob.goto(SHEET)
    bob.get_by_role("link", name="Recueillir l'amendement d'une personne sans compte").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Recueillir un amendement")
    ui.check("assisted-amendment-fields", bob)
    bob.get_by_role("link", name="Amender « Résumé »").click()
    expect(bob.get_by_role("heading", level=1)).to_contain_text("Recueillir un amendement à")
    bob.get_by_label("Pseudonyme ou initiales de la personne").fill("R. K.")
    bob.get_by_label("Lieu du recueil").fill("Médiathèque Malraux")
    bob.get_by_label("Le texte qu'elle propose").fill("Des arceaux couverts près de la gare.")
    ui.check("assisted-amendment-form", bob)
    bob.get_by_role("button", name="Déposer l'amendement recueilli").click()
    expect(
        bob.get_by_text("Le consentement de la personne est requis.", exact=True)
    ).to_be_visible()
    ui.check("assisted-amendment-no-consent", bob)

    bob.get_by_label("La personne accepte que son amendement soit publié").check()
    bob.get_by_role("button", name="Déposer l'amendement recueilli").click()
    expect(bob.get_by_text("Amendement recueilli et déposé")).to_be_visible()
    facts = bob.locator("dl.facts")
    expect(facts).to_contain_text("R. K.")
    expect(facts).to_contain_text("recueilli par un·e médiateur·rice à Médiathèque Malraux")
    expect(facts).not_to_contain_text("Bob")
    ui.check("assisted-amendment", bob)

    visitor = ui.page
    visitor.goto(SHEET)
    expect(visitor.locator("#amendements").locator("xpath=..")).to_contain_text(
        "R. K. · recueilli par un·e médiateur·rice à Médiathèque Malraux"
    )
