"""Over-limit uploads from the web forms: a body declared too large gets the form page back
(HTML 413 with an accessible error), unread; the API keeps its JSON 413; the form tells the
browser the limit so it can refuse before sending."""

import pytest

from documents.models import Document

from .conftest import stored_files, web_client

pytestmark = pytest.mark.django_db

LIMIT = 1024
DECLARED = str(50 * 1024 * 1024)
MESSAGE = "Le fichier dépasse la taille maximale de"


def _post_declared_too_large(client, url, **extra):
    """A tiny body announcing 50 MiB: reading it would fail loudly in the test client."""
    return client.generic(
        "POST",
        url,
        data=b"--zzz--\r\n",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=DECLARED,
        **extra,
    )


@pytest.fixture
def small_limit(settings):
    settings.FABRIQUE_UPLOAD_MAX_BYTES = LIMIT


def test_upload_page_declared_too_large_rerenders_the_form_with_413(make_workspace, small_limit):
    """GIVEN a 1 KiB limit WHEN the upload form posts a body declared at 50 MiB THEN the form
    page comes back as HTML 413 with the error in its alert region, and the body is not read."""
    workspace, actors = make_workspace()
    response = _post_declared_too_large(
        web_client(actors["contributor"]), f"/documents/espace/{workspace.slug}/deposer/"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'role="alert"' in html and MESSAGE in html
    assert 'href="#id_file"' in html  # the error points at the file field
    assert "<form" in html and 'name="file"' in html
    assert not response.wsgi_request._read_started
    assert not Document.objects.exists() and stored_files() == []


def test_revision_upload_declared_too_large_rerenders_the_document_page_with_413(
    make_workspace, make_document, small_limit
):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], name="notes.txt", content=b"bonjour")
    response = _post_declared_too_large(
        web_client(actors["editor"]), f"/documents/{document.pk}/versions/"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'role="alert"' in html and MESSAGE in html and document.title in html
    assert not response.wsgi_request._read_started
    assert document.revisions.count() == 1 and len(stored_files()) == 1


def test_xhr_upload_declared_too_large_answers_json(make_workspace, small_limit):
    workspace, actors = make_workspace()
    response = _post_declared_too_large(
        web_client(actors["contributor"]),
        f"/documents/espace/{workspace.slug}/deposer/",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 413
    assert MESSAGE in response.json()["detail"] and response.json()["errors"]["file"]
    assert not Document.objects.exists()


def test_api_upload_declared_too_large_keeps_json_413(make_workspace, small_limit):
    from tests.conftest import client_for

    workspace, actors = make_workspace()
    response = _post_declared_too_large(
        client_for(actors["owner"]), f"/api/v1/workspaces/{workspace.slug}/documents/"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert MESSAGE in response.json()["detail"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(("actor", "status"), [("reader", 403), ("outsider", 403)])
def test_declared_too_large_page_still_checks_permissions(
    make_workspace, small_limit, actor, status
):
    workspace, actors = make_workspace()
    response = _post_declared_too_large(
        web_client(actors[actor]), f"/documents/espace/{workspace.slug}/deposer/"
    )
    assert response.status_code == status
    assert MESSAGE not in response.content.decode()


def test_declared_too_large_page_asks_anonymous_to_log_in(make_workspace, small_limit):
    workspace, _actors = make_workspace()
    response = _post_declared_too_large(
        web_client(None), f"/documents/espace/{workspace.slug}/deposer/"
    )
    assert response.status_code == 302 and "next=" in response["Location"]


def test_upload_forms_tell_the_browser_the_limit_and_the_messages(
    make_workspace, make_document, small_limit
):
    workspace, actors = make_workspace()
    client = web_client(actors["owner"])
    document = make_document(workspace, actors["owner"])
    for url in (f"/documents/espace/{workspace.slug}/deposer/", f"/documents/{document.pk}/"):
        html = client.get(url).content.decode()
        assert f'data-max-bytes="{LIMIT}"' in html
        assert f'data-error-too-large="{MESSAGE}' in html
        assert 'data-error-empty="Le fichier « {name} » est vide."' in html


def test_upload_form_messages_are_translated(make_workspace, small_limit):
    workspace, actors = make_workspace()
    html = (
        web_client(actors["owner"])
        .get(f"/documents/espace/{workspace.slug}/deposer/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'data-error-too-large="The file exceeds the maximum size of' in html
    assert "{name}" in html and "is empty." in html
