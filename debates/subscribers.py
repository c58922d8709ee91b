"""Debates follow their sheet: archived (or abandoned) with it."""

from __future__ import annotations

from events.registry import Event, subscriber_register
from projects.models import ProjectSheet

ENDING_VERBS = frozenset({"sheet.archive", "sheet.abandon"})


def archive_with_sheet(event: Event) -> None:
    if event.verb.name in ENDING_VERBS and isinstance(event.target, ProjectSheet):
        from .services import debates_archive_for_sheet

        debates_archive_for_sheet(sheet=event.target)


subscriber_register(archive_with_sheet)
