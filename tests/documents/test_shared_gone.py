"""A share link that leads nowhere any more answers 404 with a page of its own: it says the link
is over and whom to ask, the same words whether it expired, was revoked, its document went to
the trash or the token never existed, and nothing of the document."""

from datetime import timedelta

import pytest
from django.utils import timezone

from documents.models import ShareLink
from documents.services import document_trash, share_link_create, share_link_revoke

from .conftest import web_client

pytestmark = pytest.mark.django_db

GONE = "Ce lien de partage ne mène plus au document"


def _shared(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(
        workspace, actors["owner"], name="budget-secret.txt", content=b"secret", title="Budget"
    )
    link, token = share_link_create(
        actor=actors["owner"], document=document, expires_at=timezone.now() + timedelta(days=1)
    )
    return document, link, token, actors


def _assert_gone(response) -> None:
    assert response.status_code == 404
    html = response.content.decode()
    assert GONE in html
    assert "demandez un nouveau lien à la personne qui vous l'a envoyé" in html
    assert "budget-secret" not in html and "Budget" not in html


@pytest.mark.parametrize("how", ["expired", "revoked", "trashed", "unknown"])
def test_dead_share_link_page(make_workspace, make_document, how):
    document, link, token, actors = _shared(make_workspace, make_document)
    if how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif how == "revoked":
        share_link_revoke(actor=actors["owner"], link=link)
    elif how == "trashed":
        document_trash(actor=actors["owner"], document=document)
    else:
        token = "pas-un-jeton"
    client = web_client(None)
    _assert_gone(client.get(f"/documents/partage/{token}/", HTTP_ACCEPT_LANGUAGE="fr"))
    _assert_gone(client.get(f"/documents/partage/{token}/?download=1", HTTP_ACCEPT_LANGUAGE="fr"))


def test_dead_share_link_page_in_english(make_workspace, make_document):
    _document, link, token, actors = _shared(make_workspace, make_document)
    share_link_revoke(actor=actors["owner"], link=link)
    response = web_client(None).get(f"/documents/partage/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This share link no longer leads to the document" in response.content.decode()
