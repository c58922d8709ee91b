"""Text extraction after commit, documents_check, the demo seed."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from documents.models import Document, DocumentRevision, ExtractionStatus

from ..conftest import client_for
from . import samples
from .conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("r.pdf", samples.pdf("Piste cyclable du Jura"), "Piste cyclable du Jura"),
        ("n.docx", samples.docx("Texte Word accentué"), "Texte Word accentué"),
        ("n.odt", samples.odt("Paragraphe ODF"), "Paragraphe ODF"),
        ("c.csv", "ville,vélos\nNeudorf,12\n".encode(), "Neudorf,12"),
    ],
)
def test_text_is_extracted_after_commit(
    make_workspace, make_document, django_capture_on_commit_callbacks, name, content, expected
):
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(workspace, actors["owner"], name=name, content=content)
    revision = DocumentRevision.objects.get(document=document)
    assert revision.extraction_status == ExtractionStatus.DONE
    assert expected in revision.extracted_text


def test_image_has_no_text(make_workspace, make_document, django_capture_on_commit_callbacks):
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(workspace, actors["owner"], name="i.png", content=samples.png())
    assert document.revisions.get().extraction_status == ExtractionStatus.SKIPPED


def test_unreadable_file_is_marked_failed_and_stays_downloadable(
    make_workspace, make_document, django_capture_on_commit_callbacks
):
    """GIVEN a PDF whose body is broken WHEN extraction runs THEN failed, yet downloadable."""
    workspace, actors = make_workspace()
    broken = b"%PDF-1.4\n" + b"garbage " * 200
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(workspace, actors["owner"], name="casse.pdf", content=broken)
    revision = document.revisions.get()
    assert revision.extraction_status == ExtractionStatus.FAILED
    client = client_for(actors["reader"])
    assert client.get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    from .conftest import web_client

    page = web_client(actors["reader"]).get(f"/documents/{document.pk}/").content.decode()
    assert "pas pu être lu" in page


def test_extraction_respects_the_size_cap(
    make_workspace, make_document, django_capture_on_commit_callbacks, settings
):
    settings.FABRIQUE_EXTRACT_MAX_CHARS = 100
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(workspace, actors["owner"], name="l.txt", content=b"mot " * 5000)
    assert len(document.revisions.get().extracted_text) <= 100


def test_extraction_respects_the_time_limit(
    make_workspace, make_document, django_capture_on_commit_callbacks, settings
):
    settings.FABRIQUE_EXTRACT_TIME_LIMIT_SECONDS = 0
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(workspace, actors["owner"], name="r.pdf", content=samples.pdf())
    assert document.revisions.get().extraction_status == ExtractionStatus.FAILED


def test_documents_check_reports_and_repairs(make_workspace, make_document, capsys):
    workspace, actors = make_workspace()
    healthy = make_document(workspace, actors["owner"], name="ok.txt", content=b"ok")
    broken = make_document(workspace, actors["owner"], name="perdu.txt", content=b"lost")
    lost_key = broken.current_revision.storage_key
    (Path(settings.MEDIA_ROOT) / lost_key).unlink()
    orphan = Path(settings.MEDIA_ROOT) / "documents" / "ff" / "ff" / "orphan"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    # Stored two hours ago: past the grace period an upload in progress gets.
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    call_command("documents_check")
    out = capsys.readouterr().out
    assert "orphan file: documents/ff/ff/orphan" in out
    assert f"missing file: document {broken.pk} revision 1" in out
    assert orphan.exists()
    call_command("documents_check", "--repair")
    assert not orphan.exists()
    # A revision whose file is lost is reported, never deleted: its history stays.
    broken.refresh_from_db()
    assert not broken.is_trashed and broken.current_revision.storage_key == lost_key
    healthy.refresh_from_db()
    assert healthy.current_revision is not None and len(stored_files()) == 1
    call_command("documents_check")
    assert "0 orphan file(s), 1 revision(s) without file" in capsys.readouterr().out


def test_demo_seed_is_idempotent():
    from accounts.demo import seed as accounts_seed
    from documents.demo import seed
    from workspace.demo import seed as workspace_seed

    accounts_seed()
    workspace_seed()
    first = seed()
    assert first >= 3
    assert seed() == 0
    assert Document.objects.filter(workspace__slug="service-mobilite-ems").exists()
    assert Document.objects.filter(workspace__slug="collectif-velo-neudorf").count() >= 2


def _sleep_then_answer(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "trop tard"


def test_time_limit_kills_a_stuck_extractor():
    """Native code stuck on one page cannot check a deadline: the child process is killed."""
    import time

    from documents.extraction import ExtractionTimeout, run_with_time_limit

    start = time.monotonic()
    with pytest.raises(ExtractionTimeout):
        run_with_time_limit(_sleep_then_answer, (30,), 0.5)
    assert time.monotonic() - start < 5
    assert run_with_time_limit(_sleep_then_answer, (0,), 5) == "trop tard"
