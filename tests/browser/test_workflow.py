"""The route to a consultation: an elected official publishes the framing note of the demo's
rue du Jura sheet (the one thing its checklist lacks), then a staff agent finds the sheet on the
board and opens the consultation."""

import pytest
from playwright.sync_api import expect

from .ui import menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHEET = "Piste cyclable rue du Jura"


def test_official_frames_then_staff_opens_the_consultation(ui):
    official = ui.as_user("elue@demo.fabrique.test")
    menu(official).get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Projets"
    ).click()
    official.get_by_role("link", name=SHEET, exact=True).click()
    expect(official.get_by_role("heading", level=1)).to_have_text(SHEET)
    ui.check("sheet-official", official)

    official.get_by_role("link", name="Rédiger une note de cadrage").click()
    ui.check("framing-note-form", official)
    official.get_by_label("Le sens de la demande").fill(
        "Sécuriser le trajet des enfants vers l'école ; le tracé reste à construire ensemble."
    )
    official.get_by_role("radio", name="Concerter").check()
    official.get_by_label("Contraintes juridiques").fill("Voirie métropolitaine.")
    official.get_by_label("Montant (€)").fill("150000")
    official.get_by_label("Prise en compte des contributions").fill(
        "Chaque proposition reçoit une réponse écrite publiée sur la fiche."
    )
    official.get_by_role("button", name="Publier").click()
    # Publishing cannot be undone: a confirmation page first, its red button publishes.
    expect(official.get_by_role("heading", level=1)).to_contain_text("Publier la note de cadrage")
    ui.check("framing-confirm", official)
    official.get_by_role("button", name="Oui, publier la note").click()
    expect(official.get_by_role("heading", level=1)).to_have_text(SHEET)
    framing = official.get_by_role("main").locator(".framing")
    expect(framing.first).to_contain_text("Sécuriser le trajet des enfants")
    ui.check("sheet-framed", official)

    staff = ui.as_user("agent@demo.fabrique.test")
    menu(staff).get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Suivi"
    ).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Suivi des projets")
    ui.check("board", staff)
    staff.get_by_role("table").get_by_role("link", name=SHEET, exact=True).click()
    open_button = staff.get_by_role("button", name="Ouvrir la concertation")
    expect(open_button).to_be_enabled()
    ui.check("sheet-staff", staff)
    open_button.click()
    expect(staff.get_by_role("status")).to_be_visible()
    expect(staff.locator(".stage-current")).to_contain_text("Concertation")
    expect(staff.locator(".transition-log")).to_contain_text("Concertation")
    ui.check("sheet-consultation", staff)
