"""`documents_check --repair` beside live uploads: it never deletes what an upload owns.

Before: the check read the revision rows, then listed the stored files, and deleted every file
without a row — including the files of uploads stored before their row committed (32 of 108
concurrent uploads lost). Now orphans must be older than the grace period and are re-checked
just before deletion; missing files are reported, never "repaired" by deleting rows.
"""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from documents.models import Document, DocumentRevision
from documents.services import document_create
from documents.storage import storage_exists
from tests.factories import MembershipFactory, WorkspaceFactory
from workspace.models import Role

THREADS = 4
UPLOADS_PER_THREAD = 12


@pytest.fixture
def quiet_tasks(settings):
    # Extraction and indexing are not what this test is about: keep the threads on uploads.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _orphan(name: str, *, age_seconds: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / "documents" / "ee" / "ee" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"orphan")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_repair_running_during_uploads_loses_no_upload(quiet_tasks):
    """GIVEN threads uploading through the service and through the API
    WHEN documents_check --repair runs again and again meanwhile
    THEN every upload keeps its row and its file; only an old orphan is deleted."""
    workspaces = []
    for _ in range(THREADS):
        workspace = WorkspaceFactory()
        owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
        workspaces.append((workspace, owner))
    old_orphan = _orphan("old-orphan", age_seconds=2 * settings.FABRIQUE_UPLOAD_GRACE_SECONDS)
    young_orphan = _orphan("young-orphan", age_seconds=5)

    created: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()

    def upload(index: int) -> None:
        workspace, owner = workspaces[index]
        api = APIClient()
        api.force_authenticate(owner)
        try:
            for n in range(UPLOADS_PER_THREAD):
                body = f"note {index}-{n} ".encode() * 50
                if n % 2:
                    response = api.post(
                        f"/api/v1/workspaces/{workspace.slug}/documents/",
                        {"file": ContentFile(body, name=f"n{n}.txt")},
                        format="multipart",
                    )
                    assert response.status_code == 201, response.content
                    pk = response.json()["id"]
                else:
                    pk = document_create(
                        actor=owner,
                        workspace=workspace,
                        file=ContentFile(body, name=f"s{n}.txt"),
                        name=f"s{n}.txt",
                    ).pk
                with lock:
                    created.append(pk)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    repairs = 0
    while any(thread.is_alive() for thread in threads):
        call_command("documents_check", "--repair", stdout=io.StringIO())
        repairs += 1
    for thread in threads:
        thread.join()
    done.set()
    call_command("documents_check", "--repair", stdout=io.StringIO())

    assert not errors, errors[:3]
    assert repairs >= 2
    assert len(created) == THREADS * UPLOADS_PER_THREAD
    documents = Document.objects.filter(pk__in=created, trashed_at__isnull=True)
    assert documents.count() == len(created)
    lost = [
        revision.pk
        for revision in DocumentRevision.objects.filter(document__in=documents)
        if not storage_exists(revision.storage_key)
    ]
    assert lost == []
    assert not old_orphan.exists()  # a real orphan, past the grace period
    assert young_orphan.exists()  # maybe an upload whose row is not committed yet


@pytest.mark.django_db
def test_missing_file_is_reported_and_its_revision_kept(quiet_tasks, settings):
    workspace = WorkspaceFactory()
    owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    document = document_create(
        actor=owner, workspace=workspace, file=ContentFile(b"abc", name="a.txt"), name="a.txt"
    )
    key = document.current_revision.storage_key
    (Path(settings.MEDIA_ROOT) / key).unlink()
    out = io.StringIO()
    call_command("documents_check", "--repair", stdout=out)
    assert f"missing file: document {document.pk} revision 1 ({key})" in out.getvalue()
    assert "1 revision(s) without file" in out.getvalue()
    document.refresh_from_db()
    assert document.current_revision.storage_key == key and not document.is_trashed


@pytest.mark.django_db
def test_orphan_claimed_by_a_row_after_the_listing_is_kept(quiet_tasks, monkeypatch):
    """The row check is made again just before deleting: a file listed as an orphan whose
    upload committed in between is kept, however old the file."""
    from documents import storage as storage_module
    from documents.management.commands import documents_check

    workspace = WorkspaceFactory()
    owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    document = document_create(
        actor=owner, workspace=workspace, file=ContentFile(b"abc", name="a.txt"), name="a.txt"
    )
    key = document.current_revision.storage_key
    path = Path(settings.MEDIA_ROOT) / key
    stamp = time.time() - 10 * 3600
    os.utime(path, (stamp, stamp))
    real_values_list = DocumentRevision.objects.values_list

    # The rows as the check read them, before this upload committed.
    def rows_without_it(*args, **kwargs):
        return real_values_list(*args, **kwargs).exclude(storage_key=key)

    monkeypatch.setattr(DocumentRevision.objects, "values_list", rows_without_it)
    out = io.StringIO()
    call_command(documents_check.Command(), "--repair", stdout=out)
    assert f"orphan file: {key}" in out.getvalue()
    assert storage_module.storage_exists(key)
