"""A forgotten password, as a person gets it back: from the login page, the e-mail's link, a
new password, then signing in with it (and no longer with the old one, nor twice the link)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .steps import check_page, mail_link
from .ui import PASSWORD, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BOB = "bob@demo.fabrique.test"
NEW_PASSWORD = "une nouvelle phrase de passe après l'oubli"
RESET_LINK = r"/comptes/mot-de-passe/[^/\s]+/[^/\s]+/"


def test_password_reset_from_the_login_page(ui, viewport):
    page = ui.page
    page.goto("/comptes/connexion/")
    page.get_by_role("main").get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    check_page(ui, "password-reset")

    sent = len(mail.outbox)
    page.get_by_label("Adresse électronique").fill(BOB)
    page.get_by_role("main").get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien envoyé")
    check_page(ui, "password-reset-sent")

    link = mail_link(BOB, RESET_LINK, after=sent)
    page.goto(link)
    # Django moves the token out of the address before showing the form.
    expect(page).to_have_url(re.compile(r"/comptes/mot-de-passe/[^/]+/set-password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau mot de passe")
    check_page(ui, "password-reset-new")
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe changé")
    check_page(ui, "password-reset-complete")

    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill(BOB)
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/comptes/connexion/" not in url)
    page.goto("/comptes/profil/")
    expect(page.get_by_role("main")).to_contain_text(BOB)

    # The old password no longer opens the account, and the link has served once.
    other = ui.new_page()
    other.goto("/comptes/connexion/")
    other.get_by_label("Adresse électronique").fill(BOB)
    other.get_by_label("Mot de passe").fill(PASSWORD)
    other.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(other.get_by_role("main").get_by_role("alert").first).to_be_visible()
    other.goto(link)
    expect(other.get_by_role("main")).to_contain_text("Ce lien est invalide ou a déjà servi.")
    check_page(ui, "password-reset-used-link", other)
    login(ui.new_page(), BOB, NEW_PASSWORD)
