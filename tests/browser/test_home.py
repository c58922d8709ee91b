"""The home page in a browser, at phone and desktop width: a visitor chooses a commune without
JavaScript doing anything (a plain GET form) and lands on its page, remembered by a cookie; an
official finds the sheets awaiting their framing note, staff find the board. Each state passes
axe-core and scrolls no sideways."""

import pytest
from playwright.sync_api import Page, expect

from .ui import UI, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ELUE = "elue@demo.fabrique.test"
AGENT = "agent@demo.fabrique.test"
OPEN_NOW = "Stationnement vélo sécurisé autour de la gare centrale"  # workflow/demo.py


def check(ui: UI, name: str, page: Page) -> None:
    """The key-page check (axe-core, no script error, screenshot) and nothing past the edge."""
    ui.check(name, page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], f"{name} ({ui.viewport}) scrolls sideways: {width}"


def section(page: Page, heading: str):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, level=2))


def test_visitor_chooses_a_commune(ui: UI):
    page = ui.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fabrique")
    now = section(page, "Participer maintenant")
    expect(now.get_by_role("link", name=OPEN_NOW)).to_be_visible()
    expect(now.locator("time")).to_have_count(1)
    results = section(page, "Résultats récents")
    expect(results.get_by_role("link", name="Vélorue du quai des Bateliers")).to_be_visible()
    expect(section(page, "Comment participer").locator("ol > li")).to_have_count(3)
    check(ui, "home-anonymous", page)

    # The choice (a plain GET form) leads to the commune's page and is kept in a cookie.
    page.get_by_label("Votre commune").select_option(label="Strasbourg")
    now.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/territoires/strasbourg/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strasbourg")
    opened = section(page, "Concertations ouvertes")
    expect(opened.get_by_role("link", name=OPEN_NOW)).to_be_visible()
    check(ui, "territory-commune", page)
    kept = {c["name"]: c for c in page.context.cookies()}["fabrique_territoire"]
    assert kept["value"] == "strasbourg" and kept["httpOnly"] and kept["sameSite"] == "Lax"

    page.goto("/")
    expect(page.get_by_label("Votre commune")).to_have_value("strasbourg")
    section(page, "Participer maintenant").get_by_role("link", name="Strasbourg").click()
    page.wait_for_url("**/territoires/strasbourg/")

    page.goto("/")
    page.get_by_label("Votre commune").select_option(label="Schiltigheim")
    section(page, "Participer maintenant").get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/territoires/schiltigheim/")
    expect(section(page, "Concertations ouvertes")).to_contain_text(
        "Aucune concertation n'est ouverte ici"
    )

    # The whole Eurométropole forgets the choice and leads to the index of communes.
    page.goto("/")
    page.get_by_label("Votre commune").select_option(label="Toute l'Eurométropole")
    section(page, "Participer maintenant").get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/territoires/")
    assert "fabrique_territoire" not in {c["name"] for c in page.context.cookies()}


def test_official_finds_the_sheets_awaiting_framing(ui: UI):
    page = ui.as_user(ELUE)
    page.goto("/")
    waiting = section(page, "Fiches en attente de votre note de cadrage")
    expect(waiting.get_by_role("link", name="Piste cyclable rue du Jura")).to_be_visible()
    check(ui, "home-official", page)
    waiting.get_by_role("link", name="Piste cyclable rue du Jura").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Piste cyclable rue du Jura")


def test_staff_finds_the_board(ui: UI):
    page = ui.as_user(AGENT)
    page.goto("/")
    board = section(page, "Suivi des projets")
    expect(board).to_be_visible()
    check(ui, "home-staff", page)
    board.get_by_role("link", name="Ouvrir le tableau de suivi").click()
    page.wait_for_url("**/suivi/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
