"""Parallel uploads: every file stored, revision numbers unique, the quota holds."""

import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from documents.errors import QuotaExceeded
from documents.models import Document, DocumentRevision
from documents.services import document_create, document_revision_add

from .conftest import stored_files

N = 6


def _run(targets):
    errors: list[BaseException] = []
    results: list = []
    barrier = threading.Barrier(len(targets))

    def wrap(fn):
        def run():
            try:
                barrier.wait()
                results.append(fn())
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_revisions_get_unique_consecutive_numbers(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], name="v.txt", content=b"v1")

    def upload(i):
        return lambda: document_revision_add(
            actor=actors["contributor"],
            document=document,
            file=ContentFile(f"version {i}\n".encode(), name=f"v{i}.txt"),
        )

    results, errors = _run([upload(i) for i in range(N)])
    assert errors == []
    numbers = sorted(
        DocumentRevision.objects.filter(document=document).values_list("number", flat=True)
    )
    assert numbers == list(range(1, N + 2))
    document.refresh_from_db()
    assert document.current_revision.number == N + 1
    assert len(stored_files()) == N + 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_uploads_respect_the_quota(make_workspace):
    workspace, actors = make_workspace()
    workspace.storage_quota = 3 * 1000
    workspace.save()

    def upload(i):
        return lambda: document_create(
            actor=actors["contributor"],
            workspace=workspace,
            file=ContentFile(b"x" * 999 + b"\n", name=f"f{i}.txt"),
        )

    results, errors = _run([upload(i) for i in range(N)])
    assert len(results) == 3
    assert len(errors) == N - 3 and all(isinstance(e, QuotaExceeded) for e in errors)
    assert Document.objects.count() == 3
    assert len(stored_files()) == 3  # refused uploads left nothing behind
