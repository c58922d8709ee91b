"""Writing to an official, in a browser: a citizen finds the official in the directory and
writes; the official asks for a clarification from the inbox; the citizen replies from their
requests; the official answers; the official's public rate changes. Every page through
axe-core at a phone's width and on a desktop."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ELUE = "elue@demo.fabrique.test"


@pytest.fixture
def four_answered(site):
    """Three more answered requests to elue@ (before Playwright): with the demo's answered one,
    four settled requests — one short of a published rate."""
    from accounts.demo import demo_user
    from officials.models import OfficialProfile
    from officials.services import request_answer, request_send

    elue = OfficialProfile.objects.get(user__email=ELUE)
    for email in (
        "bob@demo.fabrique.test",
        "carole@demo.fabrique.test",
        "service@demo.fabrique.test",
    ):
        request = request_send(
            actor=demo_user(email), official=elue, subject="Une question", body="Le texte."
        )
        request_answer(actor=elue.user, request=request, body="Une réponse.")
    return elue.get_absolute_url()


def test_a_request_from_writing_to_the_answer(four_answered, ui):
    official_url = four_answered
    dan = ui.as_user("dan@demo.fabrique.test")
    dan.goto("/elus/")
    ui.check("officials-directory", dan)
    dan.get_by_role("link", name="Élue à la participation").first.click()
    expect(dan.get_by_text("pas encore de taux")).to_be_visible()
    ui.check("official-page", dan)
    dan.get_by_role("link", name="Écrire une demande").click()
    dan.get_by_label("Objet").fill("Arceaux vélo place Kléber")
    dan.get_by_label("Votre message").fill("Bonjour, pourrait-on ajouter des arceaux vélo ?")
    ui.check("request-write", dan)
    dan.get_by_role("button", name="Envoyer la demande").click()
    expect(dan.get_by_text("Demande envoyée, référence")).to_be_visible()
    request_url = dan.url
    ui.check("request-sent", dan)

    elue = ui.as_user(ELUE)
    elue.goto("/elus/boite/")
    expect(elue.get_by_text("nouvelle demande").first).to_be_visible()
    ui.check("official-inbox", elue)
    elue.goto(request_url)
    elue.get_by_label("Votre question").fill("De quel côté de la place ?")
    elue.get_by_role("button", name="Envoyer la question").click()
    expect(elue.get_by_text("le délai est suspendu")).to_be_visible()

    dan.goto("/elus/demandes/")
    expect(dan.get_by_text("précision demandée").first).to_be_visible()
    ui.check("my-requests", dan)
    dan.goto(request_url)
    dan.get_by_label("Votre précision").fill("Côté rue des Grandes Arcades.")
    dan.get_by_role("button", name="Envoyer la précision").click()
    expect(dan.get_by_text("le délai reprend")).to_be_visible()

    elue.goto(request_url)
    elue.get_by_label("Réponse").fill("Quatre arceaux seront posés au printemps.")
    ui.check("request-answer-form", elue)
    elue.get_by_role("button", name="Envoyer la réponse").click()
    expect(elue.get_by_text("Réponse envoyée.")).to_be_visible()

    dan.goto(request_url)
    expect(dan.get_by_text("Quatre arceaux seront posés au printemps.")).to_be_visible()
    expect(dan.get_by_text("dans le délai")).to_be_visible()
    reader = ui.new_page()
    reader.goto(official_url)
    expect(reader.get_by_text("100 %")).to_be_visible()  # five settled, five on time
    expect(reader.get_by_text("pas encore de taux")).to_have_count(0)
