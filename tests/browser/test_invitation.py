"""An invitation as both people live it: a workspace owner invites an address from the members
page; the invitee, who has no account yet, follows the e-mail's link, is asked to sign in,
creates the account, confirms it, opens the link again, accepts, and lands in the workspace as
a member with the invited role."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .steps import check_page, mail_link
from .ui import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALICE = "alice@demo.fabrique.test"  # owner of collectif-velo-neudorf
WORKSPACE = "Collectif vélo Neudorf"
PASSWORD = "une phrase de passe solide"
INVITATION_LINK = r"/espaces/invitation/[^/\s]+/"


def test_owner_invites_a_newcomer_who_signs_up_and_joins(ui, viewport):
    invitee = f"yasmine-{viewport}@example.org"
    alice = ui.as_user(ALICE)
    alice.goto("/espaces/collectif-velo-neudorf/")
    alice.get_by_role("main").get_by_role("link", name="Membres", exact=True).click()
    expect(alice.get_by_role("heading", level=1)).to_contain_text("Membres")
    check_page(ui, "workspace-members", alice)

    alice.get_by_label("Adresse électronique").fill(invitee)
    alice.get_by_label(re.compile(r"^Rôle(?! de)")).select_option(label="Éditeur·rice")
    alice.get_by_role("main").get_by_role("button", name="Ajouter").click()
    expect(alice.get_by_role("status")).to_contain_text(f"Invitation envoyée à {invitee}")
    check_page(ui, "workspace-members-invited", alice)
    # Nobody joins before accepting.
    expect(alice.get_by_role("main").get_by_role("table")).not_to_contain_text("Yasmine")

    # The invitee opens the link: sign in first, and the page comes back after.
    link = mail_link(invitee, INVITATION_LINK)
    page = ui.page
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/comptes/connexion/\?next=/espaces/invitation/"))
    page.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    page.get_by_label("Nom affiché").fill("Yasmine Haddad")
    page.get_by_label("Adresse électronique").fill(invitee)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    sent = len(mail.outbox)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    page.goto(mail_link(invitee, r"/comptes/confirmer/\S+/", after=sent))
    expect(page.get_by_role("status")).to_contain_text("Votre adresse est confirmée")

    # As the invitation said: with the account made, the same link again.
    page.goto(link)
    page.get_by_label("Adresse électronique").fill(invitee)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation")
    expect(page.get_by_role("main")).to_contain_text(
        f"vous invite à rejoindre l'espace « {WORKSPACE} » avec le rôle : Éditeur·rice"
    )
    check_page(ui, "invitation")
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page).to_have_url(re.compile(r"/espaces/collectif-velo-neudorf/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(WORKSPACE)
    expect(page.get_by_role("status")).to_contain_text("Vous avez rejoint l'espace.")
    check_page(ui, "invitation-accepted")

    # A member now: the members page lists the newcomer with the invited role.
    page.get_by_role("main").get_by_role("link", name="Membres", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Yasmine Haddad")
    expect(row).to_contain_text("Éditeur·rice")


def test_invitation_opened_by_another_account_is_refused_clearly(ui):
    invitee = "zoe@example.org"
    alice = ui.as_user(ALICE)
    alice.goto("/espaces/collectif-velo-neudorf/membres/")
    alice.get_by_label("Adresse électronique").fill(invitee)
    alice.get_by_role("main").get_by_role("button", name="Ajouter").click()
    expect(alice.get_by_role("status")).to_contain_text("Invitation envoyée")
    link = mail_link(invitee, INVITATION_LINK)

    page = ui.page
    login(page, "dan@demo.fabrique.test")
    page.goto(link)
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Cette invitation est adressée à une autre adresse électronique"
    )
    check_page(ui, "invitation-wrong-account")

    # A forged or truncated token: the same page, an error, no 500.
    response = page.goto(link[:-6] + "/")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Cette invitation est invalide ou a expiré.")
    check_page(ui, "invitation-invalid")
