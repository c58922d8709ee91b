"""A share link from both ends: a workspace editor makes one for a members-only document, with
an expiry date picked in the date field (an ISO value: the French "30/11/2026" used to be
dropped by the browser); someone without an account opens it, sees and downloads the document;
once revoked, or past its date, the link leads to a page that says so, never a 500."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .steps import check_page
from .ui import in_thread

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALICE = "alice@demo.fabrique.test"  # owner of collectif-velo-neudorf
TITLE = "Compte rendu de la réunion du 3 juin"  # members only, compte-rendu-reunion.md
GONE = "Ce lien de partage ne mène plus au document"


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _expire(label: str) -> None:
    """Move a link's end to the past, as the days would."""
    from django.utils import timezone

    from documents.models import ShareLink

    ShareLink.objects.filter(label=label).update(expires_at=timezone.now() - timedelta(minutes=1))


def create_link(page, label: str, expires_on: str) -> str:
    share = page.get_by_role("region", name="Liens de partage")
    share.get_by_label("Libellé").fill(label)
    share.get_by_label("Expire le").fill(expires_on)
    share.get_by_role("button", name="Créer un lien").click()
    expect(page.get_by_role("status")).to_contain_text("Lien de partage créé")
    return page.get_by_label("Nouveau lien (affiché une seule fois) :").input_value()


def test_share_link_opened_downloaded_then_revoked(ui, viewport):
    alice = ui.as_user(ALICE)
    alice.goto("/espaces/collectif-velo-neudorf/")
    alice.get_by_role("main").get_by_role("link", name="Documents", exact=True).click()
    alice.get_by_role("link", name=TITLE).click()
    expect(alice.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_page(ui, "document-share", alice)

    # The field holds an ISO date (the browser shows it the French way) and takes one back.
    field = alice.get_by_role("region", name="Liens de partage").get_by_label("Expire le")
    default = field.input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", default), default
    expires_on = in_thread(_today) + timedelta(days=20)
    url = create_link(alice, "Presse", expires_on.isoformat())
    assert "/documents/partage/" in url
    listed = alice.get_by_role("region", name="Liens de partage").get_by_role("listitem")
    expect(listed.filter(has_text="Presse")).to_contain_text(expires_on.strftime("%d/%m/%Y"))
    check_page(ui, "document-share-created", alice)

    # Someone without an account opens the link: the page, then the file.
    outsider = ui.new_page()
    response = outsider.goto(url)
    assert response.status == 200
    expect(outsider.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(outsider.get_by_role("main")).to_contain_text(
        f"Ce lien expire le {expires_on.strftime('%d/%m/%Y')}"
    )
    check_page(ui, "shared-document", outsider)
    with outsider.expect_download() as download:
        outsider.get_by_role("main").get_by_role("link", name="Télécharger").click()
    assert download.value.suggested_filename == "compte-rendu-reunion.md"
    assert "Piste cyclable rue du Jura" in Path(download.value.path()).read_text()

    # Revoked: the same address now says the link is over, and what to do.
    alice.get_by_role("region", name="Liens de partage").get_by_role(
        "button", name="Révoquer"
    ).click()
    # A revoked link cannot come back: the page asks first.
    expect(alice.get_by_role("heading", level=1)).to_contain_text("Révoquer ce lien de partage")
    check_page(ui, "share-link-revoke-confirm", alice)
    alice.get_by_role("button", name="Oui, révoquer le lien").click()
    expect(alice.get_by_role("status")).to_contain_text("Lien révoqué.")
    expect(alice.get_by_role("region", name="Liens de partage")).to_contain_text("révoqué")
    response = outsider.goto(url)
    assert response.status == 404
    expect(outsider.get_by_role("heading", level=1)).to_have_text(GONE)
    check_page(ui, "shared-document-gone", outsider)
    assert outsider.goto(url + "?download=1").status == 404
    expect(outsider.get_by_role("heading", level=1)).to_have_text(GONE)


def test_expired_share_link_says_so(ui):
    alice = ui.as_user(ALICE)
    alice.goto("/espaces/collectif-velo-neudorf/")
    alice.get_by_role("main").get_by_role("link", name="Documents", exact=True).click()
    alice.get_by_role("link", name=TITLE).click()
    url = create_link(
        alice, "Conseil de quartier", (in_thread(_today) + timedelta(days=1)).isoformat()
    )
    in_thread(_expire, "Conseil de quartier")

    outsider = ui.new_page()
    assert outsider.goto(url).status == 404
    expect(outsider.get_by_role("heading", level=1)).to_have_text(GONE)
    check_page(ui, "shared-document-expired", outsider)
    alice.reload()
    expect(alice.get_by_role("region", name="Liens de partage")).to_contain_text("expiré")

    # A date already past is refused with a message, not dropped nor a 500.
    create = alice.get_by_role("region", name="Liens de partage")
    create.get_by_label("Expire le").fill((in_thread(_today) - timedelta(days=1)).isoformat())
    create.get_by_role("button", name="Créer un lien").click()
    expect(alice.get_by_role("status")).to_contain_text(
        "La date d'expiration doit être dans le futur."
    )
