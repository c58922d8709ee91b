"""API: listing, upload, metadata, revisions, downloads — and the permission matrices."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.models import Document
from events.models import Activity

from ..conftest import ALL_ACTORS, client_for
from . import samples
from .conftest import web_client

pytestmark = pytest.mark.django_db

MEMBERS = {"reader", "contributor", "editor", "owner"}


def _expect(public_ws: bool, public_doc: bool, member_status: int, anon: int = 404):
    """Expected status per actor for reading a document."""
    out = {}
    for actor in ALL_ACTORS:
        if actor in MEMBERS or (public_ws and public_doc):
            out[actor] = member_status
        else:
            out[actor] = anon
    return out


@pytest.mark.parametrize("ws_visibility", ["public", "private"])
@pytest.mark.parametrize("doc_visibility", ["public", "members"])
@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_download_matrix(make_workspace, make_document, ws_visibility, doc_visibility, actor):
    workspace, actors = make_workspace(visibility=ws_visibility)
    document = make_document(workspace, actors["owner"], visibility=doc_visibility)
    expected = _expect(ws_visibility == "public", doc_visibility == "public", 200)[actor]
    client = client_for(actors[actor])
    assert client.get(f"/api/v1/documents/{document.pk}/download/").status_code == expected
    assert client.get(f"/api/v1/documents/{document.pk}/").status_code == expected
    web = web_client(actors[actor])
    assert web.get(f"/documents/{document.pk}/telecharger/").status_code == expected
    assert web.get(f"/documents/{document.pk}/").status_code == expected


@pytest.mark.parametrize("ws_visibility", ["public", "private"])
@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_list_matrix(make_workspace, make_document, ws_visibility, actor):
    workspace, actors = make_workspace(visibility=ws_visibility)
    public = make_document(workspace, actors["owner"], name="public.pdf", visibility="public")
    members = make_document(workspace, actors["owner"], name="membres.pdf", visibility="members")
    client = client_for(actors[actor])
    response = client.get(f"/api/v1/workspaces/{workspace.slug}/documents/")
    page = web_client(actors[actor]).get(f"/documents/espace/{workspace.slug}/")
    if ws_visibility == "private" and actor not in MEMBERS:
        assert response.status_code == 404
        assert page.status_code == 404
        return
    assert response.status_code == 200
    ids = {d["id"] for d in response.json()["results"]}
    expected = {public.pk, members.pk} if actor in MEMBERS else {public.pk}
    assert ids == expected
    assert page.status_code == 200
    assert (members.title in page.content.decode()) == (actor in MEMBERS)


REVISION_UPLOAD = {
    "anonymous": 401,
    "outsider": 403,
    "reader": 403,
    "contributor": 201,
    "editor": 201,
    "owner": 201,
    "staff": 403,
}


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_revision_upload_matrix(make_workspace, make_document, actor):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    response = client_for(actors[actor]).post(
        f"/api/v1/documents/{document.pk}/revisions/",
        {"file": SimpleUploadedFile("v2.pdf", samples.pdf("v2"))},
        format="multipart",
    )
    assert response.status_code == REVISION_UPLOAD[actor]
    assert document.revisions.count() == (2 if response.status_code == 201 else 1)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_revision_upload_to_members_document_hides_it_from_outsiders(
    make_workspace, make_document, actor
):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="members")
    response = client_for(actors[actor]).post(
        f"/api/v1/documents/{document.pk}/revisions/",
        {"file": SimpleUploadedFile("v2.pdf", samples.pdf("v2"))},
        format="multipart",
    )
    expected = dict(REVISION_UPLOAD, outsider=404, staff=404)
    assert response.status_code == expected[actor]


CREATE = dict(REVISION_UPLOAD)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_document_upload_matrix(make_workspace, actor):
    workspace, actors = make_workspace()
    response = client_for(actors[actor]).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile("a.pdf", samples.pdf()), "title": "Plan"},
        format="multipart",
    )
    assert response.status_code == CREATE[actor]


TRASH = {
    "anonymous": 401,
    "outsider": 403,
    "reader": 403,
    "contributor": 403,
    "editor": 204,
    "owner": 204,
    "staff": 403,
}


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_trash_matrix(make_workspace, make_document, actor):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    response = client_for(actors[actor]).delete(f"/api/v1/documents/{document.pk}/")
    assert response.status_code == TRASH[actor]
    document.refresh_from_db()
    assert document.is_trashed == (response.status_code == 204)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_restore_from_trash_matrix(make_workspace, make_document, actor):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    client_for(actors["editor"]).delete(f"/api/v1/documents/{document.pk}/")
    response = client_for(actors[actor]).post(f"/api/v1/documents/{document.pk}/restore/")
    # Trashed documents are invisible except to those who may restore them.
    expected = {"anonymous": 401, "editor": 200, "owner": 200}.get(actor, 404)
    assert response.status_code == expected


PATCH = {
    "anonymous": 401,
    "outsider": 403,
    "reader": 403,
    "contributor": 403,
    "editor": 200,
    "owner": 200,
    "staff": 403,
}


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_metadata_update_matrix(make_workspace, make_document, actor):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="public")
    response = client_for(actors[actor]).patch(
        f"/api/v1/documents/{document.pk}/", {"title": "Nouveau titre"}, format="json"
    )
    assert response.status_code == PATCH[actor]


def test_upload_returns_document_with_checksum_and_detected_type(make_workspace):
    workspace, actors = make_workspace()
    data = samples.pdf()
    response = client_for(actors["contributor"]).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {
            "file": SimpleUploadedFile("rapport.pdf", data, content_type="text/html"),
            "title": "Rapport",
            "description": "Annuel",
            "visibility": "public",
        },
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Rapport" and body["visibility"] == "public"
    assert body["workspace"] == workspace.slug
    revision = body["current_revision"]
    assert revision["number"] == 1
    assert revision["sha256"] == hashlib.sha256(data).hexdigest()
    assert revision["size"] == len(data)
    assert revision["mime_type"] == "application/pdf"  # not the uploader's text/html
    assert Activity.objects.filter(verb="document.uploaded").count() == 1


def test_revisions_restore_and_download_each(make_workspace, make_document):
    workspace, actors = make_workspace()
    client = client_for(actors["editor"])
    v1 = samples.pdf("version un")
    document = make_document(workspace, actors["owner"], content=v1)
    v2 = b"date,velos\n2026,3\n"
    response = client.post(
        f"/api/v1/documents/{document.pk}/revisions/",
        {"file": SimpleUploadedFile("comptage.csv", v2)},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["number"] == 2
    current = client.get(f"/api/v1/documents/{document.pk}/download/")
    assert b"".join(current.streaming_content) == v2
    old = client.get(f"/api/v1/documents/{document.pk}/download/?revision=1")
    assert b"".join(old.streaming_content) == v1
    assert old["Content-Type"] == "application/pdf"
    assert client.get(f"/api/v1/documents/{document.pk}/download/?revision=9").status_code == 404

    restored = client.post(f"/api/v1/documents/{document.pk}/revisions/1/restore/")
    assert restored.status_code == 201
    assert restored.json()["number"] == 3 and restored.json()["restored_from"] == 1
    current = client.get(f"/api/v1/documents/{document.pk}/download/")
    assert b"".join(current.streaming_content) == v1
    listing = client.get(f"/api/v1/documents/{document.pk}/revisions/").json()
    assert [r["number"] for r in listing["results"]] == [3, 2, 1]
    assert {r["sha256"] for r in listing["results"]} == {
        hashlib.sha256(v1).hexdigest(),
        hashlib.sha256(v2).hexdigest(),
    }
    verbs = list(Activity.objects.values_list("verb", flat=True))
    assert "document.revision_added" in verbs and "document.revision_restored" in verbs
    # Reader may not restore.
    response = client_for(actors["reader"]).post(
        f"/api/v1/documents/{document.pk}/revisions/2/restore/"
    )
    assert response.status_code == 403


def test_download_headers(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], name="Compte rendu été.txt", content=b"ok")
    response = client_for(actors["reader"]).get(f"/api/v1/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''Compte%20rendu%20%C3%A9t%C3%A9.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    pdf = make_document(workspace, actors["owner"], name="r.pdf")
    # API clients download: an attachment, even for a type a browser would render.
    response = client_for(actors["reader"]).get(f"/api/v1/documents/{pdf.pk}/download/")
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    # The web page opens it in the browser, sandboxed.
    browser = Client()
    browser.force_login(actors["reader"])
    response = browser.get(f"/documents/{pdf.pk}/telecharger/")
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]


def test_visibility_change_is_logged_and_applies(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="members")
    anonymous = client_for(None)
    assert anonymous.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    response = client_for(actors["editor"]).patch(
        f"/api/v1/documents/{document.pk}/", {"visibility": "public"}, format="json"
    )
    assert response.status_code == 200
    assert anonymous.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert Activity.objects.filter(verb="document.visibility_changed").exists()


def test_list_filters_sort_and_query_count(
    make_workspace, make_document, django_assert_max_num_queries
):
    workspace, actors = make_workspace()
    for i in range(6):
        make_document(workspace, actors["owner"], name=f"plan-{i}.pdf", visibility="public")
    make_document(workspace, actors["owner"], name="comptage.csv", content=b"a,b\n1,2\n")
    client = client_for(actors["reader"])
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/workspaces/{workspace.slug}/documents/")
    assert response.json()["count"] == 7
    url = f"/api/v1/workspaces/{workspace.slug}/documents/"
    assert client.get(url, {"type": "text/csv"}).json()["count"] == 1
    assert client.get(url, {"q": "plan-3"}).json()["count"] == 1
    assert client.get(url, {"visibility": "members"}).json()["count"] == 1
    titles = [d["title"] for d in client.get(url, {"sort": "title"}).json()["results"]]
    assert titles == sorted(titles)
    web = web_client(actors["reader"])
    with django_assert_max_num_queries(10):
        page = web.get(f"/documents/espace/{workspace.slug}/")
    assert page.status_code == 200


def test_sheet_must_belong_to_the_workspace(make_workspace):
    from projects.models import ProjectSheet

    workspace, actors = make_workspace()
    other, _ = make_workspace()
    sheet = ProjectSheet.objects.create(workspace=other, slug="autre", title="Autre")
    response = client_for(actors["owner"]).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile("a.pdf", samples.pdf()), "sheet": sheet.pk},
        format="multipart",
    )
    assert response.status_code == 400
    own = ProjectSheet.objects.create(workspace=workspace, slug="mienne", title="Mienne")
    response = client_for(actors["owner"]).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile("a.pdf", samples.pdf()), "sheet": own.pk},
        format="multipart",
    )
    assert response.status_code == 201
    assert Document.objects.get().sheet == own


def test_grant_lets_one_outsider_see_a_members_document(make_workspace, make_document):
    from documents.services import document_grant_view

    workspace, actors = make_workspace(visibility="private")
    document = make_document(workspace, actors["owner"])
    outsider = client_for(actors["outsider"])
    assert outsider.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    document_grant_view(actor=actors["editor"], document=document, user=actors["outsider"])
    assert outsider.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert outsider.get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    from documents.selectors import document_list_visible

    assert list(document_list_visible(user=actors["outsider"])) == [document]
    assert list(document_list_visible(user=actors["staff"])) == []
