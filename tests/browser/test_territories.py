"""Territory pages in a browser, at phone and desktop width (axe-core, no sideways scroll,
no script): the index of communes and quartiers, a quartier's page with what concerns its
commune and the Eurométropole labelled, a member's choice kept on the profile (a posted form),
staff creating a quartier from the site."""

import pytest
from playwright.sync_api import Page, expect

from .ui import UI, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AGENT = "agent@demo.fabrique.test"
DAN = "dan@demo.fabrique.test"
OPEN_NOW = "Stationnement vélo sécurisé autour de la gare centrale"  # in Strasbourg
JURA = "Piste cyclable rue du Jura"  # collectif-velo-neudorf's, placed in Neudorf


def check(ui: UI, name: str, page: Page) -> None:
    ui.check(name, page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], f"{name} ({ui.viewport}) scrolls sideways: {width}"


def section(page: Page, heading: str):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, level=2))


def test_index_and_quartier_pages(ui: UI):
    page = ui.page
    page.goto("/territoires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les communes de l'Eurométropole")
    expect(
        page.get_by_role("main").get_by_role("link", name="Illkirch-Graffenstaden")
    ).to_be_visible()
    check(ui, "territory-index", page)
    page.get_by_role("list", name="Quartiers de Strasbourg").get_by_role(
        "link", name="Neudorf"
    ).click()
    page.wait_for_url("**/territoires/strasbourg/strasbourg-neudorf/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neudorf")
    # The station consultation is Strasbourg's: listed on Neudorf's page, labelled as such.
    opened = section(page, "Concertations ouvertes")
    row = opened.get_by_role("listitem").filter(has=page.get_by_role("link", name=OPEN_NOW))
    expect(row).to_contain_text("Toute la commune : Strasbourg")
    expect(
        section(page, "Suivre ce territoire").get_by_role("link", name="Se connecter pour suivre")
    ).to_be_visible()
    check(ui, "territory-quartier", page)
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role(
        "link", name="Strasbourg"
    ).click()
    page.wait_for_url("**/territoires/strasbourg/")
    quartiers = section(page, "Les quartiers")
    expect(quartiers.get_by_role("link", name=JURA)).to_be_visible()


def test_a_members_choice_is_kept_on_the_profile(ui: UI):
    page = ui.as_user(DAN)
    page.goto("/")
    page.get_by_label("Votre commune").select_option(label="Illkirch-Graffenstaden")
    section(page, "Participer maintenant").get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/territoires/illkirch-graffenstaden/")
    expect(
        section(page, "Suivre ce territoire").get_by_role("button", name="Suivre")
    ).to_be_visible()
    check(ui, "territory-commune-member", page)
    assert "fabrique_territoire" not in {c["name"] for c in page.context.cookies()}
    page.goto("/comptes/profil/")
    expect(page.get_by_label("Mon territoire").locator("option:checked")).to_have_text(
        "Illkirch-Graffenstaden"
    )


def test_staff_create_a_quartier(ui: UI):
    page = ui.as_user(AGENT)
    page.goto("/territoires/gestion/quartiers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gérer les quartiers")
    check(ui, "quartiers-manage", page)
    page.get_by_role("button", name="Créer le quartier").click()
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    check(ui, "quartiers-manage-error", page)
    page.get_by_label("Nom du quartier").fill("Robertsau")
    page.get_by_label("Commune").select_option(label="Strasbourg")
    page.get_by_role("button", name="Créer le quartier").click()
    expect(page.get_by_role("link", name="Robertsau", exact=True)).to_be_visible()
    page.get_by_role("link", name="Modifier Robertsau").click()
    page.wait_for_url("**/territoires/gestion/quartiers/strasbourg-robertsau/")
    check(ui, "quartier-edit", page)
    page.goto("/territoires/strasbourg/strasbourg-robertsau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Robertsau")
