"""A whole amendment round in a browser, as the people of the demo would run it: the official
opens a round from the sheet (Paris-time pickers), a citizen proposes a new summary (choose the
field, rewrite its text), another proposes a change the official rejects with a public
motivation, the official closes the submissions early, three citizens judge, the official
closes the judgment, reads the results and merges the retained amendment after its previewed
diff; the sheet then reads the new summary. Every page through axe-core, phone and desktop."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHEET = "stationnement-velos-gare-centrale"
NEW_SUMMARY = (
    "Créer à la gare centrale un parking vélo sécurisé de 1 000 places, ouvert jour et nuit."
)


@pytest.fixture
def sheet_without_round(site):
    """The demo sheet in consultation, its demo round removed (before Playwright starts), so
    that the official opens one in the browser."""
    from amendments.models import AmendmentRound

    AmendmentRound.objects.filter(sheet__slug=SHEET).delete()
    return f"/fiches/{SHEET}/"


def picker(days: int) -> str:
    """What the datetime-local picker holds for 18:00 in Paris, `days` from now."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    day = datetime.datetime.now(paris).date() + datetime.timedelta(days=days)
    return f"{day.isoformat()}T18:00"


def confirm(page, ui, name: str, button: str) -> None:
    expect(page.get_by_text("Cette action est définitive.")).to_be_visible()
    ui.check(name, page)
    page.get_by_role("button", name=button).click()


def test_a_round_from_opening_to_the_merge(sheet_without_round, ui):
    sheet_url = sheet_without_round
    elue = ui.as_user("elue@demo.fabrique.test")

    # The official opens a round from the sheet page.
    elue.goto(sheet_url)
    elue.get_by_role("link", name="Ouvrir un tour d'amendements").click()
    expect(elue.get_by_role("heading", level=1)).to_have_text("Ouvrir un tour d'amendements")
    ui.check("amendment-round-open", elue)
    elue.get_by_label("Fin du dépôt des amendements").fill(picker(10))
    elue.get_by_label("Fin du jugement").fill(picker(3))  # before the submissions end
    elue.get_by_label("Quorum").fill("3")
    elue.get_by_role("button", name="Ouvrir le tour d'amendements").click()
    summary = elue.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("après la fin du dépôt")
    ui.check("amendment-round-open-errors", elue)
    elue.get_by_label("Fin du jugement").fill(picker(17))
    elue.get_by_role("button", name="Ouvrir le tour d'amendements").click()
    expect(elue.get_by_text("Tour d'amendements ouvert")).to_be_visible()
    round_url = elue.url
    assert re.search(r"/amendements/tours/\d+/$", round_url)
    expect(elue.get_by_text("réunit au moins 3 votant·es")).to_be_visible()

    # Dan proposes a new summary: the field first, then its text, prefilled.
    dan = ui.as_user("dan@demo.fabrique.test")
    dan.goto(sheet_url)
    dan.get_by_role("link", name="Proposer un amendement").click()
    ui.check("amendment-propose-choose", dan)
    dan.get_by_role("link", name="Amender « Résumé »").click()
    text = dan.get_by_label("Texte proposé")
    expect(text).not_to_be_empty()
    ui.check("amendment-propose-form", dan)
    text.fill(NEW_SUMMARY)
    dan.get_by_label("Motivation").fill("Les horaires comptent autant que le nombre de places.")
    dan.get_by_role("button", name="Déposer l'amendement").click()
    expect(dan.get_by_text("Amendement déposé")).to_be_visible()
    expect(dan.locator(".diff ins").first).to_be_visible()
    kept_url = dan.url

    # Carole proposes a change of the body; the official rejects it with a motivation.
    carole = ui.as_user("carole@demo.fabrique.test")
    carole.goto(sheet_url)
    carole.get_by_role("link", name="Proposer un amendement").click()
    carole.get_by_role("link", name="Amender « Description (Markdown) »").click()
    carole.get_by_label("Texte proposé").fill("Un parking, et rien d'autre.")
    carole.get_by_role("button", name="Déposer l'amendement").click()
    expect(carole.get_by_text("Amendement déposé")).to_be_visible()
    rejected_url = carole.url
    elue.goto(rejected_url)
    elue.get_by_role("link", name="Rejeter avec une motivation").click()
    ui.check("amendment-reject", elue)
    elue.get_by_label("Motivation du rejet").fill(
        "La description garde les éléments votés en conseil ; ce changement les retire."
    )
    elue.get_by_role("button", name="Rejeter l'amendement").click()
    confirm(elue, ui, "amendment-reject-confirm", "Oui, rejeter l'amendement")
    expect(elue.get_by_text("Amendement rejeté")).to_be_visible()
    expect(elue.get_by_role("heading", name="Motivation du rejet")).to_be_visible()

    # The official closes the submissions early.
    elue.goto(round_url)
    elue.get_by_role("button", name="Clore le dépôt maintenant").click()
    confirm(elue, ui, "amendment-close-submissions", "Oui, clore le dépôt")
    expect(elue.get_by_text("Dépôt clos : le jugement est ouvert.")).to_be_visible()

    # Three citizens judge: the new summary above the current one.
    for email in ("bob@demo.fabrique.test", "carole@demo.fabrique.test", "dan@demo.fabrique.test"):
        judge = ui.as_user(email)
        judge.goto(round_url + "bulletin/")
        groups = judge.locator("form.ballot").get_by_role("group")
        expect(groups).to_have_count(2)  # the current summary and Dan's amendment
        for index in range(2):
            group = groups.nth(index)
            legend = group.locator("legend").inner_text()
            grade = "Insuffisant" if "Texte actuel" in legend else "Très bien"
            group.get_by_label(grade, exact=True).check()
        judge.get_by_role("button", name="Enregistrer mon bulletin").click()
        expect(judge.get_by_text("Votre bulletin est enregistré")).to_be_visible()

    # The official closes the judgment: the results are published.
    elue.goto(round_url)
    elue.get_by_role("button", name="Clore le jugement et publier les résultats").click()
    confirm(elue, ui, "amendment-close", "Oui, clore le jugement et publier les résultats")
    expect(elue.get_by_text("Le quorum est atteint.")).to_be_visible()
    table = elue.get_by_role("table")
    expect(table.get_by_role("row").nth(1)).to_contain_text("retenu")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Très bien")
    ui.check("amendment-results-closed", elue)

    # Merging: the preview first, then the button; the sheet reads the new summary.
    elue.goto(kept_url)
    elue.get_by_role("link", name="Prévisualiser la fusion et intégrer").click()
    expect(elue.locator(".diff ins").first).to_be_visible()
    ui.check("amendment-merge-preview", elue)
    elue.get_by_role("button", name="Oui, intégrer l'amendement à la fiche").click()
    expect(elue.get_by_text("Amendement intégré")).to_be_visible()
    expect(elue.get_by_text("Intégré à la fiche dans sa version")).to_be_visible()
    citizen = ui.new_page()
    citizen.goto(sheet_url)
    expect(citizen.get_by_text(NEW_SUMMARY).first).to_be_visible()
