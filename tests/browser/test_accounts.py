"""Sign-up as a person does it: the form, the confirmation e-mail (Django's locmem outbox,
which the live server's thread fills), its link, then the first sign-in and the profile."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from .ui import menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "une phrase de passe solide"


def confirmation_path(address: str, timeout: float = 10.0) -> str:
    """The confirmation link's path from the mail sent to `address` (sent after the commit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(mail.outbox):
            if address in message.to:
                match = re.search(r"https?://[^/\s]+(/comptes/confirmer/\S+/)", message.body)
                assert match, message.body
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no confirmation mail to {address}: {[m.to for m in mail.outbox]}")


def test_sign_up_confirm_and_first_login(ui, viewport):
    page = ui.page
    address = f"ines-{viewport}@example.org"
    page.goto("/")
    menu(page).get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    ui.check("signup")

    page.get_by_label("Nom affiché").fill("Inès Muller")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Commune").select_option(label="Strasbourg")
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    ui.check("signup-done")

    page.goto(confirmation_path(address))
    expect(page).to_have_url(re.compile(r"/comptes/connexion/"))
    expect(page.get_by_role("status")).to_contain_text("Votre adresse est confirmée")
    ui.check("login")

    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(menu(page).get_by_role("link", name="Inès Muller")).to_be_visible()
    expect(page.get_by_text("Vous n'êtes membre d'aucun espace.")).to_be_visible()
    ui.check("home-signed-in")

    menu(page).get_by_role("link", name="Inès Muller").click()
    expect(page.get_by_label("Nom affiché")).to_have_value("Inès Muller")
    ui.check("profile")


def test_wrong_password_is_refused_with_an_accessible_error(ui):
    page = ui.page
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("alice@demo.fabrique.test")
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    ui.check("login-error")
