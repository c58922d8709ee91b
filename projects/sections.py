"""The registry of stage sections: which fields each stage adds to a sheet, and when they open."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import STAGE_ORDER, Stage

# Euros: 12 digits before the point, 2 after, like FramingNote.budget_amount.
AMOUNT_MAX_WHOLE_DIGITS = 12


@dataclass(frozen=True)
class SectionField:
    code: str
    label: Any
    # markdown: long text rendered as Markdown; text: one line; date: ISO date; amount: euros.
    kind: str = "markdown"
    help_text: Any = ""


@dataclass(frozen=True)
class StageSection:
    stage: str
    title: Any
    fields: tuple[SectionField, ...]


SECTIONS: tuple[StageSection, ...] = (
    StageSection(
        Stage.INITIATIVE,
        _("Initiative"),
        (
            SectionField(
                "context", _("Contexte"), help_text=_("D'où vient le projet, quel constat.")
            ),
            SectionField("objectives", _("Objectifs")),
            SectionField(
                "initiators_contact",
                _("Initiateur·rices et contact"),
                help_text=_("Qui porte le projet et comment le joindre."),
            ),
        ),
    ),
    StageSection(
        Stage.CONSULTATION,
        _("Concertation"),
        (
            SectionField("questions", _("Questions posées aux citoyen·nes")),
            SectionField("modalities_places", _("Modalités et lieux")),
            SectionField("calendar_start", _("Début de la concertation"), kind="date"),
            SectionField("calendar_end", _("Fin de la concertation"), kind="date"),
        ),
    ),
    StageSection(
        Stage.REALISATION,
        _("Réalisation"),
        (
            SectionField("decisions", _("Décisions prises")),
            SectionField(
                "response_to_contributions",
                _("Réponse aux contributions"),
                help_text=_("Ce qui a été fait des contributions citoyennes, et pourquoi."),
            ),
            SectionField("budget", _("Budget")),
            SectionField("budget_amount", _("Montant du budget (€)"), kind="amount"),
            SectionField("milestones", _("Jalons et calendrier")),
        ),
    ),
    StageSection(
        Stage.EVALUATION,
        _("Évaluation"),
        (
            SectionField("outcomes", _("Résultats au regard des objectifs")),
            SectionField("indicators", _("Indicateurs")),
            SectionField("lessons", _("Enseignements")),
            SectionField("participants_evaluation", _("Évaluation par les participant·es")),
            SectionField(
                "promised_vs_delivered_level",
                _("Niveau de participation promis et tenu"),
                help_text=_("Le niveau annoncé dans le cadrage, et celui réellement atteint."),
            ),
        ),
    ),
)

FIELDS: dict[str, SectionField] = {f.code: f for s in SECTIONS for f in s.fields}
FIELD_STAGE: dict[str, str] = {f.code: s.stage for s in SECTIONS for f in s.fields}


def editable_stages(stage: str) -> list[str]:
    """Stages whose sections may be edited when the sheet is at `stage` (it and earlier ones)."""
    if stage not in STAGE_ORDER:
        return []  # archived and abandoned sheets are read-only
    return list(STAGE_ORDER[: STAGE_ORDER.index(Stage(stage)) + 1])


def editable_fields(stage: str) -> list[SectionField]:
    stages = editable_stages(stage)
    return [f for s in SECTIONS if s.stage in stages for f in s.fields]


def sections_for_display(sections: dict, stage: str) -> list[dict]:
    """Sections reached by the sheet, each with its fields and values, in stage order."""
    reached = editable_stages(stage) if stage in STAGE_ORDER else list(STAGE_ORDER)
    return [
        {
            "stage": s.stage,
            "title": s.title,
            "fields": [
                {
                    "code": f.code,
                    "label": f.label,
                    "kind": f.kind,
                    "value": sections.get(f.code, ""),
                }
                for f in s.fields
            ],
        }
        for s in SECTIONS
        if s.stage in reached
    ]


def clean_section_value(code: str, value: Any) -> str:
    """Normalise one value to the string stored in the version's JSON, or raise ValidationError."""
    field = FIELDS.get(code)
    if field is None:
        raise ValidationError({code: _("Section inconnue.")})
    if value is None:
        return ""
    if field.kind == "date":
        if isinstance(value, datetime.date):
            return value.isoformat()
        value = str(value).strip()
        if not value:
            return ""
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError({code: _("Date attendue au format AAAA-MM-JJ.")}) from None
    if field.kind == "amount":
        value = str(value).strip().replace(" ", "").replace(",", ".")
        if not value:
            return ""
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ValidationError({code: _("Montant invalide.")}) from None
        if not amount.is_finite() or amount < 0:
            raise ValidationError({code: _("Montant invalide.")})
        # The same bound as a framing note's amount (14 digits, 2 after the point); past it,
        # quantize() would overflow the decimal context ("1e30" used to answer 500).
        if amount.adjusted() >= AMOUNT_MAX_WHOLE_DIGITS:
            raise ValidationError(
                {
                    code: _("Montant trop élevé (%(digits)s chiffres avant la virgule au plus).")
                    % {"digits": AMOUNT_MAX_WHOLE_DIGITS}
                }
            )
        return str(amount.quantize(Decimal("0.01")))
    if not isinstance(value, str):
        raise ValidationError({code: _("Texte attendu.")})
    if len(value) > 20_000:
        raise ValidationError({code: _("Texte trop long (20 000 caractères au plus).")})
    return value.replace("\r\n", "\n")


def merge_sections(current: dict, changes: dict, *, stage: str) -> dict:
    """The sections after applying `changes`; a stage not yet reached refuses new content.

    Sending a later stage's field with its current value is accepted, so that a client which
    echoes the whole sheet back does not fail.
    """
    allowed = {f.code for f in editable_fields(stage)}
    merged = dict(current)
    errors: dict[str, list] = {}
    for code, raw in changes.items():
        try:
            value = clean_section_value(code, raw)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if value == current.get(code, ""):
            continue
        if code not in allowed:
            errors[code] = [
                _("Cette section s'ouvre quand la fiche atteint l'étape correspondante.")
            ]
            continue
        if value:
            merged[code] = value
        else:
            merged.pop(code, None)
    start, end = merged.get("calendar_start"), merged.get("calendar_end")
    if start and end and end < start and not errors:
        errors["calendar_end"] = [_("La fin de la concertation précède son début.")]
    if errors:
        raise ValidationError(errors)
    return merged
