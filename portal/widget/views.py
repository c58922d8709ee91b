"""The communes' widget: a read-only card of a territory's open consultations, or of one sheet,
for another site to frame (`/widget/territoires/<slug>/`, `/widget/fiches/<slug>/`).

Always rendered as the anonymous public, whatever the request carries: the view never reads the
session or the user (so neither the session nor the CSRF middleware has anything to write, and
config.embed drops any cookie under /widget/ anyway), and every list goes through the owning
app's visibility rule for `AnonymousUser`. No base template, no context processor: a small page,
its own small stylesheet and its optional auto-height script, both static files of this app.

The answer may be framed only by `FABRIQUE_WIDGET_ORIGINS` (`frame-ancestors`; no origin keeps
'none' and `X-Frame-Options: DENY`, like every other page). Unknown or hostile slugs answer a
light 404 of the widget's own, with the same headers and no cookie.

Rendered pages are kept in the page cache (`CACHES["pages"]`), keyed by the data generation
(every event a service records changes it: a sheet made private, a stage change, a new
consultation), the language, scheme, host, path and day, for `FABRIQUE_PAGE_CACHE_SECONDS`."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from config.csp import framable_policy
from interface.page_cache import CACHE_ALIAS, request_generation
from projects.models import ParticipationLevel, ProjectSheet
from projects.participation import LEVEL_EXPLANATIONS
from projects.selectors import sheet_visibility_q
from territories.models import Territory

from ..home import consultation_rows, day_label
from ..territory.memory import home_territory_find
from ..territory.selectors import SLUG_MAX, open_consultations, territory_index, territory_scope
from ..territory.views import territory_url

ANONYMOUS = AnonymousUser()
# A card, not a list: the territory's page has them all.
WIDGET_SHOWN = 8
LEVEL_LABELS = dict(ParticipationLevel.choices)


def slug_ok(slug: Any) -> bool:
    return (
        isinstance(slug, str)
        and 0 < len(slug) <= SLUG_MAX
        and slug.isascii()
        and (slug.replace("-", "").replace("_", "").isalnum())
    )


def _framed(response: HttpResponse) -> HttpResponse:
    origins = settings.FABRIQUE_WIDGET_ORIGINS
    response["Content-Security-Policy"] = framable_policy(origins)
    if origins:
        # frame-ancestors says who may frame it; DENY would contradict it for old browsers.
        response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


def _site(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _cached(request: HttpRequest, draw: Callable[[], str]) -> str:
    seconds = int(getattr(settings, "FABRIQUE_PAGE_CACHE_SECONDS", 0))
    if seconds <= 0:
        return draw()
    material = "\x1f".join(
        (
            request_generation(request),
            translation.get_language() or "",
            request.scheme or "",
            request.get_host(),
            request.path,
            timezone.localdate().isoformat(),
        )
    )
    key = "widget:" + hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()
    cache = caches[CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = draw()
        cache.set(key, html, seconds)
    return html


def _page(template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"lang": translation.get_language() or settings.LANGUAGE_CODE, **context}
    html = render_to_string(template, context)
    return _framed(HttpResponse(html, status=status))


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under /widget/: a light 404, framable like the widget, no cookie."""
    return _page("portal/widget/not_found.html", {"site": _site(request)}, status=404)


def widget_root(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("widget:help"))


def _origins_attribute() -> str:
    return " ".join(settings.FABRIQUE_WIDGET_ORIGINS)


@require_safe
def widget_territory(request: HttpRequest, slug: str) -> HttpResponse:
    territory = (
        Territory.objects.select_related("parent__parent").filter(slug=slug).first()
        if slug_ok(slug)
        else None
    )
    if territory is None:
        return not_found(request)

    def draw() -> str:
        today = timezone.localdate()
        scope = territory_scope(territory)
        found = open_consultations(user=ANONYMOUS, scope=scope, today=today)
        sheets = list(found[: WIDGET_SHOWN + 1])
        total = found.count() if len(sheets) > WIDGET_SHOWN else len(sheets)
        sheets = sheets[:WIDGET_SHOWN]
        for sheet in sheets:
            sheet.scope = scope.of(sheet.territory_id)  # type: ignore[attr-defined]
        return render_to_string(
            "portal/widget/territory.html",
            {
                "lang": translation.get_language() or settings.LANGUAGE_CODE,
                "territory": territory,
                "scope": scope,
                "rows": consultation_rows(sheets, today),
                "total": total,
                "more": total - len(sheets),
                "site": _site(request),
                "page_url": territory_url(territory),
                "origins": _origins_attribute(),
            },
        )

    return _framed(HttpResponse(_cached(request, draw)))


def _iso_day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


@require_safe
def widget_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    sheet = (
        ProjectSheet.objects.filter(sheet_visibility_q(ANONYMOUS), slug=slug)
        .select_related("territory__parent", "current_version")
        .defer("current_version__body", "current_version__meta")
        .first()
        if slug_ok(slug)
        else None
    )
    if sheet is None:
        return not_found(request)

    def draw() -> str:
        today = timezone.localdate()
        sections = sheet.current_version.sections if sheet.current_version else {}
        sections = sections if isinstance(sections, dict) else {}
        opens = _iso_day(sections.get("calendar_start"))
        closes = _iso_day(sections.get("calendar_end"))
        level = sheet.participation_level
        return render_to_string(
            "portal/widget/sheet.html",
            {
                "lang": translation.get_language() or settings.LANGUAGE_CODE,
                "sheet": sheet,
                "summary": sheet.current_version.summary if sheet.current_version else "",
                "level": LEVEL_LABELS.get(level),
                "level_explanation": LEVEL_EXPLANATIONS.get(level),
                "opens": opens,
                "opens_label": day_label(opens, today) if opens else "",
                "closes": closes,
                "closes_label": day_label(closes, today) if closes else "",
                "site": _site(request),
                "origins": _origins_attribute(),
            },
        )

    return _framed(HttpResponse(_cached(request, draw)))


def _snippets(site: str, territory: Territory) -> dict[str, str]:
    """The code a webmaster copies: the frame (with its title) and the optional listener."""
    src = f"{site}{reverse('widget:territory', args=[territory.slug])}"
    title = translation.gettext("Concertations ouvertes : %(name)s (Fabrique)") % {
        "name": territory.name
    }
    frame = (
        f'<iframe id="fabrique-widget" src="{src}" title="{title}"\n'
        '        width="100%" height="480" loading="lazy"></iframe>'
    )
    listener = (
        "<script>\n"
        'window.addEventListener("message", function (event) {\n'
        f'  if (event.origin !== "{site}") return;\n'
        '  var frame = document.getElementById("fabrique-widget");\n'
        "  var data = event.data;\n"
        "  if (!frame || event.source !== frame.contentWindow) return;\n"
        '  if (!data || data.type !== "fabrique-widget-height") return;\n'
        "  var height = Number(data.height);\n"
        "  if (height > 0 && height < 5000) frame.height = String(height);\n"
        "});\n"
        "</script>"
    )
    return {"frame": frame, "listener": listener, "src": src}


@require_safe
def widget_help(request: HttpRequest) -> HttpResponse:
    """For the communes' webmasters: how to frame the widget, the code to copy for a chosen
    territory (a GET form, no script), every territory's widget and feeds, and how to declare
    their site's origin."""
    communes = territory_index()
    chosen = home_territory_find(request.GET.get("territoire"))
    if chosen is None:
        chosen = next((c["commune"] for c in communes if c["commune"].slug == "strasbourg"), None)
    if chosen is None and communes:
        chosen = communes[0]["commune"]
    metropole = Territory.objects.filter(kind=Territory.Kind.METROPOLE).order_by("pk").first()
    site = _site(request)
    context: dict[str, Any] = {
        "communes": communes,
        "metropole": metropole,
        "chosen": chosen,
        "site": site,
        "snippets": _snippets(site, chosen) if chosen is not None else None,
        "declared": len(settings.FABRIQUE_WIDGET_ORIGINS),
    }
    return render(request, "portal/widget_help.html", context)
