"""The public-service pages as a citizen meets them on a phone and on a computer: the footer
leads to each legal page (axe-core, no sideways scrolling), the skip link works from the
keyboard; from the profile, a person changes their password and deletes their account."""

import re

import pytest
from playwright.sync_api import Page, expect

from .ui import PASSWORD, UI, login, menu, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BOB = "bob@demo.fabrique.test"  # contributor in one workspace, owner of none
ALICE = "alice@demo.fabrique.test"  # the only owner of collectif-velo-neudorf
NEW_PASSWORD = "une toute nouvelle phrase de passe"

# Footer link → the page's heading.
FOOTER = {
    "Mentions légales": "Mentions légales",
    "Données personnelles": "Données personnelles",
    "Cookies": "Cookies",
    "Accessibilité : non conforme": "Déclaration d'accessibilité",
    "Contact": "Contact",
    "Plan du site": "Plan du site",
}


def check_page(ui: UI, name: str, page: Page) -> None:
    """A key page: axe-core and script errors (ui.check), and nothing wider than the screen."""
    ui.check(name, page)
    measured = overflow(page)
    assert measured["scroll"] <= measured["viewport"], (
        f"{name} ({ui.viewport}) scrolls sideways: " + ", ".join(measured["past"])
    )


def test_footer_leads_to_every_legal_page(ui, viewport):
    page = ui.page
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    for link, heading in FOOTER.items():
        footer = page.get_by_role("contentinfo")
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_page(ui, f"legal-{heading}", page)
    # The site map leads on to every page, the legal ones included.
    page.get_by_role("main").get_by_role("link", name="Données personnelles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données personnelles")


def test_profile_change_password(ui, viewport):
    page = ui.as_user(BOB, PASSWORD)
    page.goto("/comptes/profil/")
    page.get_by_role("link", name="Changer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer mon mot de passe")
    check_page(ui, "password-change", page)
    page.get_by_label("Ancien mot de passe").fill(PASSWORD)
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Mot de passe changé")
    check_page(ui, "profile-after-password", page)
    # The new password opens a fresh session.
    login(ui.new_page(), BOB, NEW_PASSWORD)


def test_delete_account(ui, viewport):
    # The last owner of a workspace is told what to do first.
    alice = ui.as_user(ALICE, PASSWORD)
    alice.goto("/comptes/profil/supprimer/")
    expect(alice.get_by_role("alert")).to_contain_text("Collectif vélo Neudorf")
    expect(alice.get_by_role("button", name="Supprimer définitivement mon compte")).to_have_count(0)
    check_page(ui, "account-delete-blocked", alice)

    page = ui.as_user(BOB, PASSWORD)
    page.goto("/comptes/profil/")
    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    check_page(ui, "account-delete", page)
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est supprimé")
    check_page(ui, "account-deleted", page)
    expect(menu(page).get_by_role("link", name="Se connecter")).to_be_visible()

    # The account no longer signs in.
    again = ui.new_page()
    again.goto("/comptes/connexion/")
    again.get_by_label("Adresse électronique").fill(BOB)
    again.get_by_label("Mot de passe").fill(PASSWORD)
    again.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(again).to_have_url(re.compile(r"/comptes/connexion/"))
    expect(again.get_by_role("main").get_by_role("alert").first).to_be_visible()
