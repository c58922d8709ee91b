"""The home page's pieces: which lists each visitor gets and how their dates read.

Every list comes from the owning app's selectors, which take the user (visibility is theirs to
decide); this module only limits, orders the sections by role and formats dates.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from projects.models import ParticipationLevel, ProjectSheet
from projects.selectors import sheet_list_for_member, sheet_list_open_consultations
from territories.models import Territory
from territories.selectors import commune_list
from workflow.selectors import (
    STALLED_AFTER_DAYS,
    board_stalled_count,
    sheet_list_awaiting_framing,
    sheet_list_recent_results,
)
from workspace.selectors import workspace_list_for_member

# Short lists: the home points to the full lists rather than repeating them.
CONSULTATIONS_SHOWN = 8
RESULTS_SHOWN = 4
MINE_SHOWN = 6
AWAITING_SHOWN = 8

LEVEL_LABELS = dict(ParticipationLevel.choices)


def day_label(day: datetime.date, today: datetime.date) -> str:
    """ "12 décembre" this year, "12 décembre 2027" otherwise, in the page's language."""
    return date_format(day, "j F" if day.year == today.year else "j F Y")


def _iso_day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def consultation_rows(sheets: list[ProjectSheet], today: datetime.date) -> list[dict[str, Any]]:
    """Each open consultation with its level's label and its dates ready to read; the start is
    given only while it is still ahead."""
    rows = []
    for sheet in sheets:
        opens = _iso_day(getattr(sheet, "opens_on", None))
        closes = _iso_day(getattr(sheet, "closes_on", None))
        level = getattr(sheet, "participation_level", None)
        rows.append(
            {
                "sheet": sheet,
                "level": LEVEL_LABELS.get(level) if level else None,
                "opens": opens if opens and opens > today else None,
                "opens_label": day_label(opens, today) if opens else "",
                "closes": closes,
                "closes_label": day_label(closes, today) if closes else "",
            }
        )
    return rows


def chosen_commune(communes: list[Territory], slug: str) -> Territory | None:
    """The commune named in the query string; anything else means the whole metropole."""
    return next((c for c in communes if c.slug == slug), None)


def home_context(user: Any, commune_slug: str) -> dict[str, Any]:
    """Everything the home shows to `user`; the choice of commune lives in the query string
    only (no cookie, no session), so anonymous pages stay the same for everyone."""
    today = timezone.localdate()
    communes = list(commune_list().only("pk", "slug", "name", "kind"))
    commune = chosen_commune(communes, commune_slug)
    consultations = sheet_list_open_consultations(
        user=user, commune=commune.slug if commune else None, today=today
    )
    context: dict[str, Any] = {
        "communes": communes,
        "commune": commune,
        "consultations": consultation_rows([*consultations[:CONSULTATIONS_SHOWN]], today),
        "results": [*sheet_list_recent_results(user=user)[:RESULTS_SHOWN]],
        "today": today,
        "all_consultations_url": reverse("projects:list")
        + "?"
        + urlencode({"stage": "consultation"}),
    }
    if not user.is_authenticated:
        return context
    if user.is_official:
        context["awaiting_framing"] = [*sheet_list_awaiting_framing(user=user)[:AWAITING_SHOWN]]
    if user.is_platform_staff:
        context["stalled_count"] = board_stalled_count(user=user)
        context["stalled_days"] = STALLED_AFTER_DAYS
        context["stalled_url"] = (
            reverse("workflow:board") + "?" + urlencode({"stalled_days": STALLED_AFTER_DAYS})
        )
    context["my_workspaces"] = [*workspace_list_for_member(user=user).order_by("name")]
    context["my_sheets"] = [*sheet_list_for_member(user=user)[:MINE_SHOWN]]
    return context
