"""Sheets, framing notes and documents for search tests, written with their outbox rows.

Sheets, notes and documents come from `tests.factories` (written by the workspace's owner);
the changes below mirror what the owning services do (row changes + `index_enqueue` in one
transaction) so that a test can move one field at a time.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction

from accounts.models import User
from documents.demo import tiny_pdf
from documents.models import DocumentRevision
from projects.models import FramingNote, ProjectSheet, SheetVersion
from search.outbox import index_enqueue
from territories.models import Territory, Theme
from tests.factories import DocumentFactory, FramingNoteFactory, SheetFactory, member
from workspace.models import Membership, Role

_seq = itertools.count(1)


def _writer(workspace) -> User:
    """The workspace's owner writes the search tests' sheets and documents (threads share it)."""
    owner = Membership.objects.filter(workspace=workspace, role=Role.OWNER).first()
    return owner.user if owner else member(workspace, Role.OWNER)


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
    return SheetFactory(
        workspace=workspace,
        author=_writer(workspace),
        slug=None,  # made from the title by the service
        title=title,
        summary=summary,
        body=body,
        is_public=is_public,
        stage=stage,
        territory=Territory.objects.get(slug=territory) if territory else None,
        themes=list(Theme.objects.filter(slug__in=themes)),
        placed_sections=sections or {},
    )


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
    note = FramingNoteFactory(
        sheet=sheet,
        political_intent=intent,
        participation_level="consult",
        use_of_contributions="Les contributions seront lues.",
        status="published" if published else "draft",
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
):
    """A document whose file (a PDF) reads `text`; the text is also placed as the extraction
    worker leaves it, since that worker runs only after a commit."""
    document = DocumentFactory(
        workspace=workspace,
        uploader=_writer(workspace),
        name=f"fichier-{next(_seq)}.pdf",
        content=tiny_pdf(text),
        title=title,
        description=description,
        visibility=visibility,
        sheet=sheet,
    )
    DocumentRevision.objects.filter(pk=document.current_revision_id).update(
        extraction_status="done", extracted_text=text
    )
    document.refresh_from_db()
    index_enqueue(document)
    return document


@transaction.atomic
def document_set(document, **fields: Any):
    type(document).objects.filter(pk=document.pk).update(**fields)
    document.refresh_from_db()
    index_enqueue(document)
    return document
