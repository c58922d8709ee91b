"""Upload validation: the allowlist, the bad-file corpus, names, sizes and quotas."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.models import Document, DocumentRevision
from documents.validation import check_upload, sanitize_filename

from ..conftest import client_for
from . import samples
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def _upload(client, workspace, name, content, **extra):
    return client.post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile(name, content), "visibility": "members", **extra},
        format="multipart",
    )


@pytest.mark.parametrize("name", sorted(samples.GOOD))
def test_every_allowed_type_is_accepted_with_type_from_content(make_workspace, name):
    workspace, actors = make_workspace()
    factory, expected = samples.GOOD[name]
    response = _upload(client_for(actors["contributor"]), workspace, name, factory())
    assert response.status_code == 201, response.json()
    assert response.json()["current_revision"]["mime_type"] == expected


@pytest.mark.parametrize("case", sorted(samples.BAD))
def test_bad_file_corpus_is_refused_and_nothing_is_left(make_workspace, case):
    workspace, actors = make_workspace()
    name, content = samples.BAD[case]
    if content is None:
        content = samples.plain_zip()
    response = _upload(client_for(actors["owner"]), workspace, name, content)
    assert response.status_code == 415, (case, response.status_code, response.json())
    assert response.json()["detail"]
    assert not Document.objects.exists()
    assert not DocumentRevision.objects.exists()
    assert stored_files() == []


def test_zip_bomb_disguised_as_docx_is_refused(make_workspace):
    workspace, actors = make_workspace()
    bomb = samples.zip_bomb_docx()
    assert len(bomb) < 2 * 1024 * 1024
    response = _upload(client_for(actors["owner"]), workspace, "rapport.docx", bomb)
    assert response.status_code == 415
    assert "anormale" in response.json()["detail"]
    assert stored_files() == [] and not Document.objects.exists()


def test_empty_file_is_refused(make_workspace):
    workspace, actors = make_workspace()
    response = _upload(client_for(actors["owner"]), workspace, "vide.txt", b"")
    assert response.status_code == 400
    assert response.json()["code"] == "empty_file"
    assert stored_files() == [] and not Document.objects.exists()


def test_over_limit_file_is_refused_while_streaming(make_workspace, settings):
    """GIVEN a 1 KiB limit WHEN a 5 KiB file is streamed THEN 413 and no temp file or row."""
    settings.FABRIQUE_UPLOAD_MAX_BYTES = 1024
    workspace, actors = make_workspace()
    response = _upload(client_for(actors["owner"]), workspace, "gros.txt", b"a" * 5000)
    assert response.status_code == 413
    assert response.json()["detail"]
    assert stored_files() == [] and not Document.objects.exists()


def test_honest_content_length_over_limit_is_refused_before_reading(make_workspace, settings):
    settings.FABRIQUE_UPLOAD_MAX_BYTES = 1024
    workspace, actors = make_workspace()
    client = client_for(actors["owner"])
    body = io.BytesIO(b"x" * 10)
    response = client.generic(
        "POST",
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        data=body.getvalue(),
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_quota_is_enforced(make_workspace, make_document):
    workspace, actors = make_workspace()
    make_document(workspace, actors["owner"], name="a.txt", content=b"x" * 600)
    workspace.storage_quota = 1000
    workspace.save()
    response = _upload(client_for(actors["owner"]), workspace, "b.txt", b"y" * 600)
    assert response.status_code == 413
    assert response.json()["code"] == "quota_exceeded"
    assert Document.objects.count() == 1
    assert len(stored_files()) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("rapport\u202efdp.exe", "rapportfdp.exe"),
        ("facture\u202egpj.pdf", "facturegpj.pdf"),
        ("a\x00b\x07c.txt", "abc.txt"),
        ("   ", "document"),
        (".htaccess", "htaccess"),
        ('bad:name*?"<>|.txt', "bad_name______.txt"),
    ],
)
def test_names_are_sanitised(raw, expected):
    assert sanitize_filename(raw) == expected


def test_very_long_names_are_capped_keeping_the_extension():
    name = sanitize_filename("é" * 1000 + ".pdf")
    assert len(name) <= 150 and name.endswith(".pdf")


def test_traversal_and_bidi_names_store_under_a_random_key(make_workspace):
    workspace, actors = make_workspace()
    client = client_for(actors["owner"])
    response = _upload(client, workspace, "../../etc/passwd.txt", b"root:x:0:0\n")
    assert response.status_code == 201
    revision = DocumentRevision.objects.get()
    assert revision.original_name == "passwd.txt"
    assert "passwd" not in revision.storage_key and ".." not in revision.storage_key
    response = _upload(client, workspace, "note\u202etxt.md", b"# hello\n")
    assert response.status_code == 201
    assert "\u202e" not in DocumentRevision.objects.order_by("-id").first().original_name


def test_bidi_disguised_executable_is_refused(make_workspace):
    workspace, actors = make_workspace()
    response = _upload(client_for(actors["owner"]), workspace, "photo\u202egnp.exe", samples.pe())
    assert response.status_code == 415


def test_check_upload_computes_hash_and_size():
    data = samples.pdf()
    checked = check_upload(io.BytesIO(data), "x.pdf")
    import hashlib

    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size == len(data)


def test_text_that_looks_like_html_is_refused(make_workspace):
    """libmagic calls any text carrying script tags HTML: refused rather than guessed."""
    workspace, actors = make_workspace()
    content = b"# Note\n\nExemple : <script>alert(1)</script>\n"
    response = _upload(client_for(actors["owner"]), workspace, "note.md", content)
    assert response.status_code == 415


def test_image_with_trailing_script_is_served_inert(make_workspace):
    """A PNG with a script appended is stored, but served as image/png in a CSP sandbox."""
    workspace, actors = make_workspace()
    client = client_for(actors["owner"])
    content = samples.png() + b"<script>alert(1)</script>"
    response = _upload(client, workspace, "image.png", content)
    assert response.status_code == 201
    download = client.get(response.json()["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["X-Content-Type-Options"] == "nosniff"
    browser = Client()
    browser.force_login(actors["owner"])
    shown = browser.get(f"/documents/{response.json()['id']}/telecharger/")
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert "sandbox" in shown["Content-Security-Policy"]
    assert shown["X-Content-Type-Options"] == "nosniff"


def test_streamed_hash_and_size_of_a_multi_chunk_upload(make_workspace):
    """The SHA-256 computed in the background thread while streaming matches the bytes."""
    import hashlib
    import threading

    workspace, actors = make_workspace()
    data = b"ville,velos\n" + b"Neudorf,12\n" * 400_000  # ~4 MiB: several 1 MiB chunks
    before = threading.active_count()
    response = _upload(client_for(actors["owner"]), workspace, "gros.csv", data)
    assert response.status_code == 201
    revision = response.json()["current_revision"]
    assert revision["sha256"] == hashlib.sha256(data).hexdigest()
    assert revision["size"] == len(data)
    assert threading.active_count() == before  # the hashing thread is gone
