"""`/flux/territoires/<slug>.json`: a territory's open consultations as a JSON Feed 1.1
(https://www.jsonfeed.org/version/1.1/), for the communes' CMSs that prefer a feed to a frame.

The same list as the widget and the territory page ("open consultations", with its commune's and
the whole Eurométropole's, each item saying which in `_fabrique.scope`), read as the anonymous
public whoever asks; the Atom feeds of a territory's news live in notifications/feeds.py."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from territories.models import Territory

from ..territory.selectors import open_consultations, territory_scope
from ..territory.views import territory_url
from .views import ANONYMOUS, LEVEL_LABELS, slug_ok

FEED_SHOWN = 50
SUMMARY_CHARS = 500


def _scope_label(scope_name: str, scope: Any) -> str:
    if scope_name == "commune" and scope.commune is not None:
        return _("Toute la commune : %(name)s") % {"name": scope.commune.name}
    if scope_name == "metropole":
        return _("Toute l'Eurométropole")
    return ""


@require_safe
def territory_json_feed(request: HttpRequest, slug: str) -> JsonResponse:
    territory = (
        Territory.objects.select_related("parent__parent").filter(slug=slug).first()
        if slug_ok(slug)
        else None
    )
    if territory is None:
        raise Http404("No such territory.")
    scope = territory_scope(territory)
    sheets = list(
        open_consultations(user=ANONYMOUS, scope=scope, today=timezone.localdate())
        .select_related("current_version")
        .defer("current_version__body", "current_version__sections", "current_version__meta")[
            :FEED_SHOWN
        ]
    )
    items = []
    for sheet in sheets:
        url = request.build_absolute_uri(sheet.get_absolute_url())
        where = scope.of(sheet.territory_id)
        summary = sheet.current_version.summary if sheet.current_version else ""
        level = sheet.participation_level
        tags = [t for t in (_scope_label(where, scope), LEVEL_LABELS.get(level, "")) if t]
        items.append(
            {
                "id": url,
                "url": url,
                "title": sheet.title,
                "content_text": Truncator(" ".join(summary.split())).chars(SUMMARY_CHARS)
                or sheet.title,
                "date_modified": sheet.updated.isoformat(),
                "tags": tags,
                "_fabrique": {
                    "scope": where,
                    "territory": sheet.territory.slug if sheet.territory else None,
                    "participation_level": level,
                    "opens_on": sheet.opens_on,  # type: ignore[attr-defined]
                    "closes_on": sheet.closes_on,  # type: ignore[attr-defined]
                },
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("Concertations ouvertes : %(name)s") % {"name": territory.name},
        "home_page_url": request.build_absolute_uri(territory_url(territory)),
        "feed_url": request.build_absolute_uri(request.path),
        "description": _(
            "Les concertations ouvertes de ce territoire sur Fabrique, y compris celles de sa "
            "commune et de toute l'Eurométropole, celles qui se terminent le plus tôt d'abord."
        ),
        "language": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "fr",
        "items": items,
    }
    return JsonResponse(
        feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False}
    )
