"""Web pages: upload form (plain and XHR), CSRF, document page, edit, restore a revision."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from documents.models import Document

from . import samples
from .conftest import stored_files, web_client

pytestmark = pytest.mark.django_db


def test_workspace_page_links_to_documents(make_workspace):
    workspace, actors = make_workspace()
    page = web_client(actors["reader"]).get(workspace.get_absolute_url())
    assert f"/documents/espace/{workspace.slug}/" in page.content.decode()


def test_upload_form_page_has_progress_bar_and_script(make_workspace):
    workspace, actors = make_workspace()
    page = web_client(actors["contributor"]).get(f"/documents/espace/{workspace.slug}/deposer/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<progress" in html and "documents/upload" in html and 'role="alert"' in html


@pytest.mark.parametrize(("actor", "status"), [("reader", 403), ("outsider", 403)])
def test_upload_form_forbidden(make_workspace, actor, status):
    workspace, actors = make_workspace()
    page = web_client(actors[actor]).get(f"/documents/espace/{workspace.slug}/deposer/")
    assert page.status_code == status


def test_upload_form_posts_and_redirects(make_workspace):
    workspace, actors = make_workspace()
    response = web_client(actors["contributor"]).post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {
            "file": SimpleUploadedFile("plan.pdf", samples.pdf()),
            "visibility": "public",
            "title": "",
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.title == "plan"


def test_upload_form_shows_refusal_accessibly(make_workspace):
    workspace, actors = make_workspace()
    response = web_client(actors["contributor"]).post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {"file": SimpleUploadedFile("plan.pdf", b"<html>no</html>"), "visibility": "public"},
    )
    assert response.status_code == 415
    html = response.content.decode()
    assert 'role="alert"' in html and "type accepté" in html
    assert not Document.objects.exists() and stored_files() == []


def test_xhr_upload_answers_json(make_workspace):
    workspace, actors = make_workspace()
    client = web_client(actors["contributor"])
    ok = client.post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {"file": SimpleUploadedFile("notes.txt", b"bonjour"), "visibility": "members"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert ok.status_code == 201 and ok.json()["redirect"].startswith("/documents/")
    refused = client.post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {"file": SimpleUploadedFile("vide.txt", b""), "visibility": "members"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert refused.status_code == 400 and refused.json()["errors"]["file"]


def test_upload_form_is_csrf_protected(make_workspace):
    workspace, actors = make_workspace()
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["contributor"])
    response = client.post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {"file": SimpleUploadedFile("notes.txt", b"bonjour"), "visibility": "members"},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_upload_form_over_limit(make_workspace, settings):
    settings.FABRIQUE_UPLOAD_MAX_BYTES = 100
    workspace, actors = make_workspace()
    response = web_client(actors["contributor"]).post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {"file": SimpleUploadedFile("notes.txt", b"a" * 1000), "visibility": "members"},
    )
    assert response.status_code == 413
    assert stored_files() == []


def test_document_page_shows_revisions_links_and_activity(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"])
    editor = web_client(actors["editor"])
    assert (
        editor.post(
            f"/documents/{document.pk}/versions/",
            {"file": SimpleUploadedFile("v2.txt", b"deuxieme")},
        ).status_code
        == 302
    )
    assert editor.post(f"/documents/{document.pk}/versions/1/restaurer/").status_code == 302
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert (
        editor.post(
            f"/documents/{document.pk}/liens/", {"expires_on": expires, "label": "presse"}
        ).status_code
        == 302
    )
    page = editor.get(f"/documents/{document.pk}/")
    html = page.content.decode()
    assert document.revisions.count() == 3
    assert document.current_revision.sha256[:12] in html
    assert "presse" in html and "/documents/partage/" in html  # the new link, shown once
    assert "/documents/partage/" not in editor.get(f"/documents/{document.pk}/").content.decode()
    assert "nouvelle version" in html
    reader_html = web_client(actors["reader"]).get(f"/documents/{document.pk}/").content.decode()
    assert "presse" not in reader_html  # share links are for editors


def test_edit_visibility_from_the_page(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], visibility="members")
    response = web_client(actors["editor"]).post(
        f"/documents/{document.pk}/modifier/",
        {"title": "Nouveau", "description": "", "visibility": "public"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.visibility == "public" and document.title == "Nouveau"
    assert (
        web_client(actors["contributor"]).get(f"/documents/{document.pk}/modifier/").status_code
        == 403
    )
