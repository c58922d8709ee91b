"""Sheets for the workflow tests: `tests.factories` sheets with complete sections, placed at a
stage, with the attestations and documents each stage's checklist asks for."""

from __future__ import annotations

from typing import Any

from django.db import connection

from accounts.models import PlatformRole
from projects.models import FramingNote, ProjectSheet, SheetVersion
from territories.models import Territory, Theme
from tests.factories import DocumentFactory, FramingNoteFactory, SheetFactory, UserFactory

LONG_SUMMARY = (
    "La rue du Jura est traversée chaque jour par des centaines d'élèves à vélo, sans "
    "aménagement protégé. Le collectif propose une piste cyclable séparée entre la place "
    "de Haguenau et le parc de l'Orangerie, avec des traversées sécurisées et des arceaux. "
    "Cette fiche présente le constat, les objectifs et la manière d'associer les riverains."
)
assert len(LONG_SUMMARY) >= 300

COMPLETE_SECTIONS: dict[str, dict[str, str]] = {
    "initiative": {
        "context": "Des élèves à vélo sans piste protégée.",
        "objectives": "Sécuriser les trajets scolaires.",
        "initiators_contact": "Collectif vélo Neudorf, contact@velo-neudorf.example",
    },
    "consultation": {
        "questions": "Quel tracé préférez-vous ?",
        "modalities_places": "Deux ateliers à la médiathèque et un questionnaire en ligne.",
        "calendar_start": "2026-03-01",
        "calendar_end": "2026-04-15",
    },
    "realisation": {
        "decisions": "Tracé B retenu.",
        "response_to_contributions": "Le tracé B a été choisi car il a recueilli 70 % des avis.",
        "budget": "Financé par l'Eurométropole.",
        "budget_amount": "120000.00",
        "milestones": "Travaux de juin à septembre.",
    },
    "evaluation": {
        "outcomes": "La piste est ouverte et fréquentée.",
        "indicators": "1 200 passages par jour.",
        "lessons": "Associer les écoles plus tôt.",
        "promised_vs_delivered_level": "Concertation promise, concertation tenue.",
    },
}

ATTESTED_BY_STAGE = {
    "initiative": ["plain_language"],
    "consultation": [],
    "realisation": ["restitution_document", "accessible_restitution"],
    "evaluation": ["participants_evaluation"],
}


def all_sections() -> dict[str, str]:
    merged: dict[str, str] = {}
    for values in COMPLETE_SECTIONS.values():
        merged.update(values)
    return merged


def make_sheet(
    *,
    workspace,
    stage: str = "initiative",
    complete: bool = False,
    is_public: bool = True,
    summary: str | None = None,
    sections: dict[str, Any] | None = None,
    territory: Territory | None = None,
    themes: list[Theme] | None = None,
    author=None,
) -> ProjectSheet:
    """A sheet with version 1 as its current version (`tests.factories.SheetFactory`).

    `complete=True` fills every section, territory and theme (computed items of every stage
    except those needing framing notes, documents or attestations).
    """
    if complete:
        territory = territory or Territory.objects.order_by("pk").first()
        themes = themes if themes is not None else [Theme.objects.order_by("pk").first()]
    return SheetFactory(
        workspace=workspace,
        stage=stage,
        is_public=is_public,
        summary=summary if summary is not None else (LONG_SUMMARY if complete else "Court."),
        placed_sections=sections if sections is not None else (all_sections() if complete else {}),
        territory=territory,
        themes=[t for t in themes or [] if t is not None],
        **({"author": author} if author is not None else {}),
    )


def add_version(sheet: ProjectSheet, **changes: Any) -> SheetVersion:
    current = sheet.current_version
    version = SheetVersion.objects.create(
        sheet=sheet,
        number=current.number + 1,
        title=changes.get("title", current.title),
        summary=changes.get("summary", current.summary),
        sections=changes.get("sections", current.sections),
    )
    ProjectSheet.objects.filter(pk=sheet.pk).update(current_version=version)
    return version


def make_framing(sheet: ProjectSheet, *, published: bool = True, author=None) -> FramingNote:
    return FramingNoteFactory(
        sheet=sheet,
        status=FramingNote.Status.PUBLISHED if published else FramingNote.Status.DRAFT,
        **({"author": author} if author is not None else {}),
    )


def attest(sheet: ProjectSheet, *codes: str, by=None) -> None:
    from workflow.models import Attestation

    by = by or UserFactory(platform_role=PlatformRole.STAFF)
    for code in codes:
        Attestation.objects.create(sheet=sheet, code=code, attested_by=by)


def set_stage(sheet: ProjectSheet, stage: str) -> ProjectSheet:
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    return ProjectSheet.objects.select_related("workspace", "current_version").get(pk=sheet.pk)


def make_ready(sheet: ProjectSheet, stage: str) -> None:
    """Attestations and documents `stage` needs (framing is left to the caller).

    Assumes `complete=True` sections.
    """
    if stage in ATTESTED_BY_STAGE:
        attest(sheet, *ATTESTED_BY_STAGE[stage])
    if stage == "consultation":
        make_public_document(sheet)


def make_public_document(sheet: ProjectSheet):
    """A public document attached to the sheet."""
    return DocumentFactory(sheet=sheet, title="Dossier de concertation", visibility="public")


def queries_count() -> int:
    return len(connection.queries)
