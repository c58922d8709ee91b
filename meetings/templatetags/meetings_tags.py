"""`{% meetings_of_sheet sheet %}`, `{% meetings_of_territory territory %}`,
`{% meetings_next %}`, `{% meeting_announce_for_territory territory %}`: the lists other pages show, read through the selectors (who asks decides
what is seen)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from ..permissions import can_organise_for_territory, can_organise_on_sheet
from ..selectors import meeting_list_visible

register = template.Library()


@register.inclusion_tag("meetings/_sheet_meetings.html", takes_context=True)
def meetings_of_sheet(context: dict[str, Any], sheet: Any) -> dict[str, Any]:
    user = context["request"].user
    now = timezone.now()
    meetings = list(meeting_list_visible(user=user, sheet=sheet.pk, now=now))
    return {
        "sheet": sheet,
        "may_organise": can_organise_on_sheet(user, sheet),
        "upcoming": [m for m in meetings if m.ends > now and m.state != "held"],
        "past": [m for m in meetings if m.ends <= now or m.state == "held"][::-1],
        "empty_upcoming": _("Aucune réunion prévue."),
        "empty_past": _("Aucune réunion passée."),
    }


@register.inclusion_tag("meetings/_list.html", takes_context=True)
def meetings_of_territory(
    context: dict[str, Any], territory: Any, ids: list[int] | None = None, limit: int = 10
) -> dict:
    """The territory's meetings and those of everything below it (`ids`, when the page already
    knows them: a commune and its quartiers; a quartier, its commune and the Eurométropole),
    each naming its own territory when it is not the page's."""
    user = context["request"].user
    if ids is not None:
        meetings = meeting_list_visible(user=user, territory_ids=ids, upcoming=True)
    else:
        meetings = meeting_list_visible(user=user, territory=territory, upcoming=True)
    rows = list(meetings.select_related("sheet__territory")[:limit])
    for row in rows:
        place = row.territory or (row.sheet.territory if row.sheet_id else None)
        row.elsewhere = place if place is not None and place.pk != territory.pk else None
    return {"meetings": rows, "empty": _("Aucune réunion prévue sur ce territoire.")}


@register.inclusion_tag("meetings/_list.html", takes_context=True)
def meetings_next(context: dict[str, Any], limit: int = 5) -> dict:
    user = context["request"].user
    meetings = meeting_list_visible(user=user, upcoming=True)[:limit]
    return {"meetings": list(meetings), "empty": _("Aucune réunion prévue.")}


@register.inclusion_tag("meetings/_announce_territory.html", takes_context=True)
def meeting_announce_for_territory(context: dict[str, Any], territory: Any) -> dict:
    """The link to announce a meeting of the territory without a sheet, for those who may
    (staff and officials); nothing for anyone else."""
    user = context["request"].user
    return {"territory": territory, "may_organise": can_organise_for_territory(user)}
