"""The S3 path end to end, against moto's S3-protocol server started by the test."""

import hashlib

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from documents.models import DocumentRevision, ExtractionStatus

from ..conftest import client_for
from . import samples

pytestmark = [pytest.mark.s3, pytest.mark.django_db]

BUCKET = "fabrique-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "signature_version": "s3v4",
                "addressing_style": "path",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "default_acl": None,
                "max_memory_size": 1024 * 1024,
            },
        },
    }
    yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for obj in objects:
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_upload_store_and_presigned_download(
    make_workspace, s3_storage, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace()
    client = client_for(actors["contributor"])
    # Past boto3's multipart threshold (8 MiB): streamed from the temp file in parts.
    data = b"ligne de texte pour le test S3\n" * (9 * 1024 * 1024 // 31)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/workspaces/{workspace.slug}/documents/",
            {"file": SimpleUploadedFile("Compte rendu.txt", data), "visibility": "members"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    revision = DocumentRevision.objects.get()
    assert _keys(s3_storage) == [revision.storage_key]
    assert "Compte" not in revision.storage_key
    head = s3_storage.head_object(Bucket=BUCKET, Key=revision.storage_key)
    assert head["ContentLength"] == len(data)
    assert revision.extraction_status == ExtractionStatus.DONE

    download = client.get(f"/api/v1/documents/{revision.document_id}/download/")
    assert download.status_code == 302
    url = download["Location"]
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=300" in url
    fetched = requests.get(url, timeout=30)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == revision.sha256
    assert fetched.headers["Content-Disposition"].startswith("attachment")
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="Compte rendu.txt"'
    assert fetched.headers["Content-Type"].startswith("text/plain")

    # Permission still checked before any URL is handed out.
    assert (
        client_for(None).get(f"/api/v1/documents/{revision.document_id}/download/").status_code
        == 404
    )


def test_presigned_pdf_is_an_attachment_even_from_the_web_page(make_workspace, s3_storage):
    """S3 cannot add our sandboxing CSP, so a PDF is never opened inline from the bucket."""
    workspace, actors = make_workspace()
    response = client_for(actors["editor"]).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile("Plan.pdf", samples.pdf()), "visibility": "public"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    browser = Client()
    browser.force_login(actors["reader"])
    download = browser.get(f"/documents/{response.json()['id']}/telecharger/")
    assert download.status_code == 302
    fetched = requests.get(download["Location"], timeout=30)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="Plan.pdf"'
    assert fetched.headers["Content-Type"] == "application/pdf"


def test_refused_upload_leaves_nothing_in_the_bucket(make_workspace, s3_storage):
    workspace, actors = make_workspace()
    workspace.storage_quota = 10
    workspace.save()
    response = client_for(actors["owner"]).post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": SimpleUploadedFile("r.pdf", samples.pdf())},
        format="multipart",
    )
    assert response.status_code == 413
    assert _keys(s3_storage) == []


def test_documents_check_and_purge_on_s3(
    make_workspace, make_document, s3_storage, django_capture_on_commit_callbacks, capsys
):
    from documents.services import document_purge, document_trash

    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"], name="a.txt", content=b"hello s3")
    s3_storage.put_object(Bucket=BUCKET, Key="documents/00/00/orphan", Body=b"x")
    # No grace: the orphan was put before the check started (S3 times are whole seconds).
    call_command("documents_check", "--repair", "--grace=0")
    assert "1 orphan file(s), 0 revision(s) without file" in capsys.readouterr().out
    assert _keys(s3_storage) == [document.current_revision.storage_key]
    document_trash(actor=actors["editor"], document=document)
    with django_capture_on_commit_callbacks(execute=True):
        document_purge(actor=actors["editor"], document=document)
    assert _keys(s3_storage) == []
