"""Errors and dead ends as a person meets them, at phone and desktop width: the 403, 404 and 500
pages (layout, way out, axe-core, no sideways scroll), signing in before confirming one's
address and asking for a new link, and a sheet opened by its readable address."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from .ui import UI, in_thread, menu, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The site's URLs plus views that refuse and crash on purpose.
    pytest.mark.urls("tests.portal.error_urls"),
]

PASSWORD = "une phrase de passe solide"


def check_page(ui: UI, name: str, page: Page | None = None) -> None:
    """The key-page checks (axe-core, script errors, screenshot) and no sideways scroll."""
    page = page or ui.page
    ui.check(name, page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], (name, width)


def test_404_page(ui):
    response = ui.page.goto("/nulle-part/")
    assert response.status == 404
    page = ui.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.get_by_role("heading", level=2)).to_have_text("Que faire maintenant ?")
    check_page(ui, "error-404")
    page.get_by_role("searchbox", name="Chercher un projet, un espace ou un document").fill("vélo")
    page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/recherche/\?q=v"))


def test_403_page_offers_a_visitor_to_sign_in(ui):
    page = ui.page
    response = page.goto("/essai/interdit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    check_page(ui, "error-403")
    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/comptes/connexion/\?next=/essai/interdit/"))


def test_500_page(ui):
    page = ui.page
    response = page.goto("/essai/panne/")
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Erreur du serveur")
    check_page(ui, "error-500")
    page.get_by_role("main").get_by_role("link", name="Aller à l'accueil").click()
    expect(page).to_have_url(re.compile(r"/$"))


def _confirmation_path(address: str, after: int, timeout: float = 10.0) -> str:
    """The confirmation link of the first e-mail to `address` past the `after` first ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(mail.outbox)[after:]:
            if address in message.to:
                match = re.search(r"https?://[^/\s]+(/comptes/confirmer/\S+/)", message.body)
                assert match, message.body
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no confirmation mail to {address}")


def test_unconfirmed_sign_in_then_new_link(ui, viewport):
    from accounts.models import User

    address = f"lea-{viewport}@example.org"
    in_thread(
        lambda: User.objects.create_user(
            address, PASSWORD, display_name="Léa Schmitt", is_active=False
        )
    )
    page = ui.page
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=2, name="Adresse non confirmée")).to_be_visible()
    check_page(ui, "login-unconfirmed")

    sent = len(mail.outbox)
    page.get_by_role("button", name="Renvoyer l'e-mail de confirmation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    check_page(ui, "confirmation-resent")

    page.goto(_confirmation_path(address, sent))
    expect(page.get_by_role("status")).to_contain_text("Votre adresse est confirmée")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(menu(page).get_by_role("link", name="Léa Schmitt")).to_be_visible()


def test_resend_page_reached_from_the_login_page(ui):
    page = ui.page
    page.goto("/comptes/connexion/")
    page.get_by_role("link", name="Lien de confirmation non reçu ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Recevoir un nouveau lien de confirmation"
    )
    check_page(ui, "confirmation-resend")
    page.get_by_label("Adresse électronique").fill("personne@example.org")
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")


def test_sheet_opened_by_its_slug(ui):
    page = ui.page
    response = page.goto("/fiches/piste-cyclable-rue-du-jura/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Piste cyclable rue du Jura")
    check_page(ui, "sheet-by-slug")
