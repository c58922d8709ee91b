"""Fixtures for the documents tests: upload helpers and a clean media directory per test."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from documents.services import document_create

from . import samples


@pytest.fixture(autouse=True)
def clean_media():
    media = Path(settings.MEDIA_ROOT)
    shutil.rmtree(media / "documents", ignore_errors=True)
    yield
    shutil.rmtree(media / "documents", ignore_errors=True)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def make_document():
    def make(workspace, actor, *, name="rapport.pdf", content=None, visibility="members", **kw):
        data = content if content is not None else samples.pdf()
        return document_create(
            actor=actor,
            workspace=workspace,
            file=ContentFile(data, name=name),
            name=name,
            visibility=visibility,
            **kw,
        )

    return make


def web_client(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client
