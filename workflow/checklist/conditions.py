"""The conditions of computed checklist items, as Q objects relative to `ProjectSheet`."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Length, Replace, Trim
from django.db.models.lookups import GreaterThanOrEqual, Regex

from documents.models import Document, Visibility
from projects.models import FramingNote, ProjectSheet, Stage

ATTESTED = "attested"
SUMMARY_MIN_LENGTH = 300
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


# --- building blocks (relative to ProjectSheet) ---


def _section_text(code: str) -> KeyTextTransform:
    return KeyTextTransform(code, "current_version__sections")


def _filled(expression: Any, minimum: int = 1) -> Q:
    """Non-blank text of at least `minimum` characters; a missing key is NULL, hence not met.

    SQL TRIM only strips spaces, so line breaks and tabs go first: "  \\n " is blank too.
    """
    for blank in ("\n", "\r", "\t"):
        expression = Replace(expression, Value(blank), Value(" "))
    return Q(GreaterThanOrEqual(Length(Trim(expression)), minimum))


def section_filled(code: str, minimum: int = 1) -> Q:
    return _filled(_section_text(code), minimum)


def attested_exists(code: str) -> Exists:
    from ..models import Attestation

    return Exists(
        Attestation.objects.filter(sheet=OuterRef("pk"), code=code, withdrawn_at__isnull=True)
    )


def _public_documents(sheet_ref: Any) -> QuerySet:
    return Document.objects.filter(
        sheet=sheet_ref, visibility=Visibility.PUBLIC, trashed_at__isnull=True
    )


# --- conditions ---


def summary_long_enough() -> Q:
    return _filled("current_version__summary", SUMMARY_MIN_LENGTH)


def territory_and_theme() -> Q:
    themes = ProjectSheet.themes.through.objects.filter(projectsheet_id=OuterRef("pk"))
    return Q(territory__isnull=False) & Q(Exists(themes))


def published_framing_by_official() -> Q:
    return Q(
        Exists(
            FramingNote.objects.filter(
                sheet=OuterRef("pk"),
                status=FramingNote.Status.PUBLISHED,
                author__platform_role="official",
            )
        )
    )


def participation_level_declared() -> Q:
    return Q(
        Exists(
            FramingNote.objects.filter(
                sheet=OuterRef("pk"), status=FramingNote.Status.PUBLISHED
            ).exclude(participation_level="")
        )
    )


def consultation_dates() -> Q:
    start, end = _section_text("calendar_start"), _section_text("calendar_end")
    # ISO dates compare correctly as text, on every database.
    return Q(Regex(start, ISO_DATE)) & Q(Regex(end, ISO_DATE)) & Q(GreaterThanOrEqual(end, start))


def public_documents_attached() -> Q:
    return Q(Exists(_public_documents(OuterRef("pk"))))


def restitution_published() -> Q:
    """A public document attached since the realisation started: the restitution."""
    from ..models import TransitionLog

    documents = _public_documents(OuterRef("pk"))
    started = TransitionLog.objects.filter(
        sheet=OuterRef(OuterRef("pk")), to_stage=Stage.REALISATION
    ).order_by("-created")
    return Q(Exists(documents.filter(created__gte=Subquery(started.values("created")[:1]))))


def decisions_and_budget() -> Q:
    return section_filled("decisions") & (
        section_filled("budget") | section_filled("budget_amount")
    )
