"""Share links (valid, expired, revoked, password) and the trash (restore, purge, retention)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from documents.models import Document, DocumentRevision, ShareLink
from documents.services import document_trash, share_link_create, share_link_revoke
from events.models import Activity

from ..conftest import ALL_ACTORS, client_for
from .conftest import stored_files, web_client

pytestmark = pytest.mark.django_db

SHARE_CREATE = {
    "anonymous": 401,
    "outsider": 403,
    "reader": 403,
    "contributor": 403,
    "editor": 201,
    "owner": 201,
    "staff": 403,
}


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_share_link_create_matrix(make_workspace, make_document, actor):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    expires = (timezone.now() + timedelta(days=3)).isoformat()
    response = client_for(actors[actor]).post(
        f"/api/v1/documents/{document.pk}/share-links/", {"expires_at": expires}, format="json"
    )
    assert response.status_code == SHARE_CREATE[actor]
    if response.status_code == 201:
        body = response.json()
        assert body["token"] and body["url"].endswith(f"/documents/partage/{body['token']}/")
        link = ShareLink.objects.get()
        assert body["token"] not in link.token_hash  # only a hash is stored


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_share_link_revoke_matrix(make_workspace, make_document, actor):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    link, _token = share_link_create(
        actor=actors["owner"], document=document, expires_at=timezone.now() + timedelta(days=1)
    )
    response = client_for(actors[actor]).delete(
        f"/api/v1/documents/{document.pk}/share-links/{link.pk}/"
    )
    assert response.status_code == {**SHARE_CREATE, "editor": 204, "owner": 204}[actor]


def _link(make_workspace, make_document, **kw):
    workspace, actors = make_workspace(visibility="private")
    document = make_document(workspace, actors["owner"], name="secret.txt", content=b"secret")
    link, token = share_link_create(
        actor=actors["editor"],
        document=document,
        expires_at=timezone.now() + timedelta(days=1),
        **kw,
    )
    return document, link, token, actors


def test_valid_link_gives_the_page_and_the_file_to_anyone(make_workspace, make_document):
    document, _link_obj, token, _actors = _link(make_workspace, make_document)
    client = web_client(None)
    page = client.get(f"/documents/partage/{token}/")
    assert page.status_code == 200
    assert document.title in page.content.decode()
    download = client.get(f"/documents/partage/{token}/?download=1")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"secret"
    assert download["Content-Disposition"].startswith("attachment")
    # The link opens this document only: the document itself stays private.
    assert client.get(f"/documents/{document.pk}/").status_code == 404


def test_expired_link_reveals_nothing(make_workspace, make_document):
    _document, link, token, _actors = _link(make_workspace, make_document)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = web_client(None)
    assert client.get(f"/documents/partage/{token}/").status_code == 404
    assert client.get(f"/documents/partage/{token}/?download=1").status_code == 404


def test_revoked_link_reveals_nothing(make_workspace, make_document):
    _document, link, token, actors = _link(make_workspace, make_document)
    share_link_revoke(actor=actors["owner"], link=link)
    assert web_client(None).get(f"/documents/partage/{token}/?download=1").status_code == 404
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"document.share_link_created", "document.share_link_revoked"} <= verbs


def test_unknown_token_and_trashed_document_reveal_nothing(make_workspace, make_document):
    document, _link_obj, token, actors = _link(make_workspace, make_document)
    client = web_client(None)
    assert client.get("/documents/partage/pas-un-jeton/").status_code == 404
    document_trash(actor=actors["editor"], document=document)
    assert client.get(f"/documents/partage/{token}/?download=1").status_code == 404


def test_password_link(make_workspace, make_document):
    document, _link_obj, token, _actors = _link(make_workspace, make_document, password="velo-2026")
    client = web_client(None)
    form = client.get(f"/documents/partage/{token}/")
    assert form.status_code == 200
    assert document.title not in form.content.decode()
    assert client.get(f"/documents/partage/{token}/?download=1").status_code == 200
    assert b"secret" not in client.get(f"/documents/partage/{token}/?download=1").content
    wrong = client.post(f"/documents/partage/{token}/", {"password": "faux"})
    assert wrong.status_code == 403
    assert document.title not in wrong.content.decode()
    right = client.post(f"/documents/partage/{token}/", {"password": "velo-2026"})
    assert right.status_code == 302
    download = client.get(f"/documents/partage/{token}/?download=1")
    assert b"".join(download.streaming_content) == b"secret"


def test_share_link_expiry_must_be_future(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"])
    response = client_for(actors["owner"]).post(
        f"/api/v1/documents/{document.pk}/share-links/",
        {"expires_at": (timezone.now() - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400


def test_trash_restore_and_listing(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    editor = client_for(actors["editor"])
    assert editor.delete(f"/api/v1/documents/{document.pk}/").status_code == 204
    listing = editor.get(f"/api/v1/workspaces/{workspace.slug}/documents/").json()
    assert listing["count"] == 0
    trash = editor.get(f"/api/v1/workspaces/{workspace.slug}/documents/trash/").json()
    assert [d["id"] for d in trash["results"]] == [document.pk]
    assert (
        client_for(actors["reader"])
        .get(f"/api/v1/workspaces/{workspace.slug}/documents/trash/")
        .status_code
        == 403
    )
    assert client_for(None).get(f"/api/v1/documents/{document.pk}/download/").status_code == 404
    assert editor.post(f"/api/v1/documents/{document.pk}/restore/").status_code == 200
    assert client_for(None).get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"document.trashed", "document.restored"} <= verbs


def test_restore_refused_after_retention(make_workspace, make_document, settings):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"])
    document_trash(actor=actors["editor"], document=document)
    Document.objects.filter(pk=document.pk).update(
        trashed_at=timezone.now() - timedelta(days=settings.FABRIQUE_TRASH_RETENTION_DAYS + 1)
    )
    response = client_for(actors["editor"]).post(f"/api/v1/documents/{document.pk}/restore/")
    assert response.status_code == 409


def test_purge_command_deletes_expired_trash_and_files(
    make_workspace, make_document, settings, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace()
    old = make_document(workspace, actors["owner"], name="vieux.txt", content=b"old")
    recent = make_document(workspace, actors["owner"], name="recent.txt", content=b"new")
    kept = make_document(workspace, actors["owner"], name="garde.txt", content=b"kept")
    for document in (old, recent):
        document_trash(actor=actors["editor"], document=document)
    Document.objects.filter(pk=old.pk).update(
        trashed_at=timezone.now() - timedelta(days=settings.FABRIQUE_TRASH_RETENTION_DAYS + 1)
    )
    assert len(stored_files()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        call_command("documents_purge_trash")
    assert set(Document.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert len(stored_files()) == 2
    assert Activity.objects.filter(verb="document.purged").count() == 1
    assert not DocumentRevision.objects.filter(document_id=old.pk).exists()


def test_web_trash_page_and_purge_now(
    make_workspace, make_document, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"])
    web = web_client(actors["editor"])
    assert web.post(f"/documents/{document.pk}/corbeille/").status_code == 302
    page = web.get(f"/documents/espace/{workspace.slug}/corbeille/")
    assert document.title in page.content.decode()
    assert (
        web_client(actors["reader"])
        .get(f"/documents/espace/{workspace.slug}/corbeille/")
        .status_code
        == 403
    )
    purge = f"/documents/{document.pk}/supprimer/"
    asked = web.post(purge)  # it cannot be undone: a confirmation page first (issue 11)
    assert asked.status_code == 200 and "Cette action est définitive." in asked.content.decode()
    assert Document.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(purge, {"confirmed": "1"}).status_code == 302
    assert not Document.objects.exists()
    assert stored_files() == []


def test_purge_command_keeps_purging_at_its_interval(
    make_workspace, make_document, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """`make run` leaves `documents_purge_trash --every 3600` running: each round purges what
    has expired since the previous one."""
    workspace, actors = make_workspace()
    first = make_document(workspace, actors["owner"], name="un.txt", content=b"premier document")
    second = make_document(workspace, actors["owner"], name="deux.txt", content=b"second document")
    expired = timezone.now() - timedelta(days=settings.FABRIQUE_TRASH_RETENTION_DAYS + 1)
    for document in (first, second):
        document_trash(actor=actors["editor"], document=document)
    Document.objects.filter(pk=first.pk).update(trashed_at=expired)
    sleeps = []

    class Stop(Exception):
        pass

    def sleep(seconds):  # the interval passes: the second document expires meanwhile
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise Stop
        assert not Document.objects.filter(pk=first.pk).exists()
        assert Document.objects.filter(pk=second.pk).exists()
        Document.objects.filter(pk=second.pk).update(trashed_at=expired)

    monkeypatch.setattr("documents.management.commands.documents_purge_trash.time.sleep", sleep)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Stop):
        call_command("documents_purge_trash", every=3600)
    assert sleeps == [3600, 3600]
    assert not Document.objects.filter(pk__in=[first.pk, second.pk]).exists()
    with pytest.raises(CommandError):
        call_command("documents_purge_trash", every=5)


def test_web_revoke_asks_then_revokes(make_workspace, make_document):
    """A revoked link cannot be re-enabled: the page asks first (issue 11, item 6); who may not
    manage links is refused before being asked; an already dead link is not asked about."""
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    link, _token = share_link_create(
        actor=actors["owner"], document=document, expires_at=timezone.now() + timedelta(days=1)
    )
    revoke = f"/documents/{document.pk}/liens/{link.pk}/revoquer/"
    assert web_client(actors["reader"]).post(revoke).status_code == 403
    editor = web_client(actors["editor"])
    asked = editor.post(revoke)
    assert asked.status_code == 200
    assert "Oui, révoquer le lien" in asked.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None
    assert editor.post(revoke, {"confirmed": "1"}).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert editor.post(revoke).status_code == 302  # nothing left to confirm
