"""Every accepted format through the API: upload, detected type, text extracted for search.

Also: an over-long file name is stored sanitised and capped (and served under that name), and
a refused upload leaves nothing behind, neither in the upload temp directory nor in storage.
"""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document, DocumentRevision, ExtractionStatus
from documents.validation import NAME_MAX_LENGTH

from ..conftest import client_for
from . import samples
from .conftest import stored_files, web_client

pytestmark = pytest.mark.django_db

# name → (content, stored type, a word of the content that must come out of the extraction)
TEXT_FORMATS = {
    "budget.xlsx": (
        samples.xlsx("Budget participatif Hautepierre"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Hautepierre",
    ),
    "atelier.pptx": (
        samples.pptx("Atelier de concertation Cronenbourg"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "Cronenbourg",
    ),
    "comptages.ods": (
        samples.ods("Comptage des piétons Koenigshoffen"),
        "application/vnd.oasis.opendocument.spreadsheet",
        "Koenigshoffen",
    ),
    "reunion.odp": (
        samples.odp("Réunion publique Montagne-Verte"),
        "application/vnd.oasis.opendocument.presentation",
        "Montagne-Verte",
    ),
    "notes.txt": ("Notes sur la place Kléber\n".encode(), "text/plain", "Kléber"),
    "lisez-moi.md": (
        "# Projet\n\nVégétaliser la *Robertsau*.\n".encode(),
        "text/markdown",
        "Robertsau",
    ),
    "comptage.csv": ("quartier,vélos\nNeuhof,42\n".encode(), "text/csv", "Neuhof"),
    "rapport.pdf": (samples.pdf_accented("Rapport sur l'Elsau"), "application/pdf", "Elsau"),
    "note.docx": (
        samples.docx("Note sur la Meinau"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Meinau",
    ),
    "note.odt": (
        samples.odt("Note sur le Port du Rhin"),
        "application/vnd.oasis.opendocument.text",
        "Port du Rhin",
    ),
}
IMAGES = {
    "image.png": (samples.png(), "image/png"),
    "photo.jpg": (samples.jpeg(), "image/jpeg"),
    "image.webp": (samples.webp(), "image/webp"),
}


def api_upload(workspace, user, name, content, **fields):
    return client_for(user).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile(name, content), "visibility": "members", **fields},
        format="multipart",
    )


@pytest.mark.parametrize("name", list(TEXT_FORMATS))
def test_each_format_is_accepted_and_its_text_extracted(
    make_workspace, django_capture_on_commit_callbacks, name
):
    content, mime_type, word = TEXT_FORMATS[name]
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_upload(workspace, actors["editor"], name, content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["current_revision"]["mime_type"] == mime_type
    assert body["current_revision"]["original_name"] == name

    revision = DocumentRevision.objects.get(document_id=body["id"])
    assert revision.mime_type == mime_type
    assert revision.extraction_status == ExtractionStatus.DONE
    assert word in revision.extracted_text
    # The API reports the finished extraction, and the bytes come back as uploaded.
    client = client_for(actors["reader"])
    detail = client.get(f"/api/v1/documents/{body['id']}/").json()
    assert detail["current_revision"]["extraction_status"] == "done"
    download = client.get(f"/api/v1/documents/{body['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"].split(";")[0] == mime_type
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize("name", list(IMAGES))
def test_images_are_accepted_without_text(make_workspace, django_capture_on_commit_callbacks, name):
    content, mime_type = IMAGES[name]
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_upload(workspace, actors["editor"], name, content)
    assert response.status_code == 201, response.content
    assert response.json()["current_revision"]["mime_type"] == mime_type
    revision = DocumentRevision.objects.get(document_id=response.json()["id"])
    assert revision.extraction_status == ExtractionStatus.SKIPPED
    assert revision.extracted_text == ""


def test_very_long_file_name_is_sanitised_and_capped(make_workspace):
    workspace, actors = make_workspace()
    long_name = ("Compte rendu: réunion été " * 20)[:400] + ".pdf"
    assert len(long_name) == 404
    response = api_upload(workspace, actors["editor"], long_name, samples.pdf())
    assert response.status_code == 201, response.content

    stored = response.json()["current_revision"]["original_name"]
    assert stored == Document.objects.get().current_revision.original_name
    assert len(stored) <= NAME_MAX_LENGTH
    assert stored.endswith(".pdf") and not stored.endswith(" .pdf")
    assert stored.startswith("Compte rendu_ réunion été Compte rendu_ réunion été")
    assert ":" not in stored and "/" not in stored
    # The default title comes from the capped name, not the 400 characters sent.
    assert len(response.json()["title"]) < NAME_MAX_LENGTH

    pk = response.json()["id"]
    api = client_for(actors["reader"]).get(f"/api/v1/documents/{pk}/download/")
    web = web_client(actors["reader"]).get(f"/documents/{pk}/telecharger/")
    for download in (api, web):
        assert download.status_code == 200
        # The capped name, and only it: quoted as RFC 6266 wants for a non-ASCII name.
        disposition = download["Content-Disposition"]
        assert disposition.endswith(f"filename*=utf-8''{quote(stored)}")
        assert disposition.split(";")[0] in {"inline", "attachment"}


REFUSED = {
    "html renamed pdf": (
        "rapport.pdf",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        415,
    ),
    "executable renamed pdf": ("programme.pdf", samples.elf(), 415),
    "docx renamed odt": ("note.odt", samples.docx(), 415),
    "empty": ("vide.txt", b"", 400),
}


@pytest.fixture
def upload_tmp(settings, tmp_path):
    directory = tmp_path / "uploads"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    return directory


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_api_upload_leaves_nothing_behind(make_workspace, upload_tmp, case):
    name, content, status = REFUSED[case]
    workspace, actors = make_workspace()
    response = api_upload(workspace, actors["editor"], name, content)
    assert response.status_code == status, response.content
    assert not Document.objects.exists()
    assert stored_files() == []
    assert list(Path(upload_tmp).iterdir()) == []


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_web_upload_leaves_nothing_behind(make_workspace, upload_tmp, case):
    name, content, status = REFUSED[case]
    workspace, actors = make_workspace()
    response = web_client(actors["editor"]).post(
        f"/documents/espace/{workspace.slug}/deposer/",
        {"file": SimpleUploadedFile(name, content), "visibility": "members"},
    )
    assert response.status_code == status, response.status_code
    assert not Document.objects.exists()
    assert stored_files() == []
    assert list(Path(upload_tmp).iterdir()) == []


@pytest.mark.parametrize(
    "extra",
    [100 * 1024, 3 * 1024 * 1024],
    ids=["stopped while streaming", "refused from its Content-Length"],
)
def test_oversize_upload_leaves_nothing_behind(make_workspace, upload_tmp, settings, extra):
    settings.FABRIQUE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    workspace, actors = make_workspace()
    big = samples.pdf() + b"%" + b"0" * (settings.FABRIQUE_UPLOAD_MAX_BYTES + extra)
    response = api_upload(workspace, actors["editor"], "gros.pdf", big)
    assert response.status_code == 413
    assert not Document.objects.exists()
    assert stored_files() == []
    assert list(Path(upload_tmp).iterdir()) == []


def test_accepted_upload_keeps_only_the_stored_file(make_workspace, upload_tmp):
    """The temporary copy of a successful upload goes too; only storage keeps the bytes."""
    workspace, actors = make_workspace()
    response = api_upload(workspace, actors["editor"], "plan.pdf", samples.pdf())
    assert response.status_code == 201
    assert len(stored_files()) == 1
    assert list(Path(upload_tmp).iterdir()) == []
