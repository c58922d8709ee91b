"""The open-data export of the public sheets, CSV and JSON, written row by row as the database
hands them over (a streamed answer: the whole list is never held in memory).

Only what the public already reads on each sheet: no author, no e-mail, no private sheet or
private workspace's sheet (the rows are read as an anonymous visitor, whoever asks). In the CSV,
a cell a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage
return) is written after an apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any

from projects.models import ProjectSheet

from .selectors import open_data_sheets

LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
# Rows read from the database at a time (and their themes, one query per chunk).
CHUNK = 500

# The columns, in order; the archives page describes each one (portal/archives/views.py).
FIELDS = (
    "id",
    "url",
    "slug",
    "title",
    "summary",
    "stage",
    "participation_level",
    "territory",
    "territory_name",
    "themes",
    "workspace",
    "workspace_name",
    "version",
    "decisions",
    "response_to_contributions",
    "created",
    "updated",
    "stage_changed_at",
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def row_for(sheet: ProjectSheet, absolute: Callable[[str], str]) -> dict[str, Any]:
    version = sheet.current_version
    sections = (version.sections if version is not None else None) or {}
    return {
        "id": sheet.pk,
        "url": absolute(sheet.get_absolute_url()),
        "slug": sheet.slug,
        "title": sheet.title,
        "summary": version.summary if version is not None else "",
        "stage": sheet.stage,
        "participation_level": sheet.participation_level,
        "territory": sheet.territory.slug if sheet.territory_id else None,
        "territory_name": sheet.territory.name if sheet.territory_id else None,
        "themes": sorted(t.slug for t in sheet.themes.all()),
        "workspace": sheet.workspace.slug,
        "workspace_name": sheet.workspace.name,
        "version": version.number if version is not None else None,
        "decisions": str(sections.get("decisions") or ""),
        "response_to_contributions": str(sections.get("response_to_contributions") or ""),
        "created": sheet.created.isoformat(),
        "updated": sheet.updated.isoformat(),
        "stage_changed_at": sheet.stage_changed_at.isoformat(),
    }


def rows(absolute: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    for sheet in open_data_sheets().iterator(chunk_size=CHUNK):
        yield row_for(sheet, absolute)


def csv_cell(value: Any) -> str:
    """One CSV cell: lists joined by "|", None empty, a would-be formula made text."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "|".join(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Line:
    """What csv.writer writes to: each row comes back as its text."""

    def write(self, value: str) -> str:
        return value


def csv_lines(absolute: Callable[[str], str]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(FIELDS)
    for row in rows(absolute):
        yield writer.writerow([csv_cell(row[name]) for name in FIELDS])


def json_chunks(absolute: Callable[[str], str], generated_at: str) -> Iterator[str]:
    """One JSON document: the licence, the source, then the sheets, one at a time."""
    head = {"licence": LICENCE, "licence_url": LICENCE_URL, "generated_at": generated_at}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "sheets": ['
    for index, row in enumerate(rows(absolute)):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
