"""Sheets, framing notes and documents for search tests, written with their outbox rows.

They mirror what the owning apps' services do (row changes + `index_enqueue` in one
transaction) without depending on those services' permission rules.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction
from django.utils import timezone

from projects.models import FramingNote, ProjectSheet, SheetVersion
from search.outbox import index_enqueue
from territories.models import Territory, Theme

_seq = itertools.count(1)


@transaction.atomic
def make_sheet(
    workspace,
    *,
    title: str = "Fiche",
    summary: str = "Un résumé.",
    body: str = "",
    is_public: bool = True,
    stage: str = "initiative",
    territory: str | None = None,
    themes: tuple[str, ...] = (),
    sections: dict | None = None,
) -> ProjectSheet:
    n = next(_seq)
    sheet = ProjectSheet(
        workspace=workspace,
        slug=f"fiche-{n}-{timezone.now().timestamp():.0f}",
        title=title,
        is_public=is_public,
        stage=stage,
        territory=Territory.objects.get(slug=territory) if territory else None,
    )
    sheet.save()
    if themes:
        sheet.themes.set(Theme.objects.filter(slug__in=themes))
    version = SheetVersion.objects.create(
        sheet=sheet, number=1, title=title, summary=summary, body=body, sections=sections or {}
    )
    sheet.current_version = version
    sheet.save(update_fields=["current_version"])
    index_enqueue(sheet)
    return sheet


@transaction.atomic
def sheet_set(sheet: ProjectSheet, **fields: Any) -> ProjectSheet:
    ProjectSheet.objects.filter(pk=sheet.pk).update(**fields)
    sheet.refresh_from_db()
    index_enqueue(sheet)
    return sheet


@transaction.atomic
def sheet_new_version(sheet: ProjectSheet, *, title: str, summary: str, body: str = ""):
    number = sheet.current_version.number + 1
    version = SheetVersion.objects.create(
        sheet=sheet, number=number, title=title, summary=summary, body=body
    )
    ProjectSheet.objects.filter(pk=sheet.pk).update(current_version=version, title=title)
    sheet.refresh_from_db()
    index_enqueue(sheet)
    return sheet


@transaction.atomic
def sheet_delete(sheet: ProjectSheet) -> None:
    index_enqueue(sheet, delete=True)
    sheet.framing_notes.all().delete()
    ProjectSheet.objects.filter(pk=sheet.pk).update(current_version=None)
    sheet.versions.all().delete()
    sheet.delete()


@transaction.atomic
def make_framing_note(sheet: ProjectSheet, *, intent: str, published: bool = True) -> FramingNote:
    note = FramingNote.objects.create(
        sheet=sheet,
        political_intent=intent,
        participation_level="consult",
        use_of_contributions="Les contributions seront lues.",
        status="published" if published else "draft",
        published_at=timezone.now() if published else None,
    )
    index_enqueue(note)
    return note


@transaction.atomic
def make_document(
    workspace,
    *,
    title: str = "Document",
    description: str = "",
    text: str = "",
    visibility: str = "public",
    sheet: ProjectSheet | None = None,
    mime_type: str = "application/pdf",
):
    from documents.models import Document, DocumentRevision

    document = Document.objects.create(
        workspace=workspace,
        title=title,
        description=description,
        visibility=visibility,
        sheet=sheet,
    )
    n = next(_seq)
    revision = DocumentRevision.objects.create(
        document=document,
        number=1,
        original_name=f"fichier-{n}.pdf",
        storage_key=f"test/{n}-{timezone.now().timestamp()}",
        size=100,
        sha256="0" * 64,
        mime_type=mime_type,
        extraction_status="done",
        extracted_text=text,
    )
    Document.objects.filter(pk=document.pk).update(current_revision=revision)
    document.refresh_from_db()
    index_enqueue(document)
    return document


@transaction.atomic
def document_set(document, **fields: Any):
    type(document).objects.filter(pk=document.pk).update(**fields)
    document.refresh_from_db()
    index_enqueue(document)
    return document
