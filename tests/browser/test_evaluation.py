"""The evaluation of a consultation (issue 17, item 4): the demo's vélorue, in evaluation, shows
its card to everyone (figures, promise kept, the pillars' means from five answers); the elected
official who framed it answers the questionnaire on a phone or a desktop, once; axe-core on the
card and the questionnaire at both widths."""

import pytest
from playwright.sync_api import expect

from .steps import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHEET = "/fiches/velorue-quai-des-bateliers/"


def test_a_visitor_reads_the_evaluation_card(ui):
    page = ui.page
    page.goto(SHEET)
    card = page.get_by_role("region", name="Évaluation de la concertation")
    expect(card).to_contain_text("Niveau promis : Concerter")
    expect(card).to_contain_text("La promesse est tenue")
    expect(card.get_by_role("table")).to_contain_text("Transparence")
    expect(card).not_to_contain_text("Répondre au questionnaire")
    check_page(ui, "sheet-evaluation-card")


def test_a_participant_answers_the_questionnaire_once(ui):
    page = ui.as_user("elue@demo.fabrique.test")
    page.goto(SHEET)
    card = page.get_by_role("region", name="Évaluation de la concertation")
    expect(card.get_by_role("caption")).to_contain_text("5 réponses")
    card.get_by_role("link", name="Répondre au questionnaire d'évaluation").click()
    questionnaire = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Évaluer la concertation")
    check_page(ui, "evaluation-questionnaire", page)

    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_role("alert").first).to_be_visible()  # nothing chosen: the errors
    check_page(ui, "evaluation-questionnaire-errors", page)

    page.get_by_role("group", name="Vous répondez en tant que").get_by_label("Élu·e").check()
    for group in page.get_by_role("group").all():
        choice = group.get_by_label("Plutôt d'accord", exact=True)
        if choice.count():
            choice.check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_text("Merci : votre réponse est enregistrée.")).to_be_visible()
    card = page.get_by_role("region", name="Évaluation de la concertation")
    expect(card.get_by_role("caption")).to_contain_text("6 réponses")
    expect(card).to_contain_text("Vous avez répondu au questionnaire")

    page.goto(questionnaire)
    expect(page.get_by_role("status")).to_contain_text("Vous avez déjà répondu")
    expect(page.get_by_role("button", name="Envoyer ma réponse")).to_have_count(0)
