"""Printed materials for participation without a computer (issue 18, item 2): the consultation
poster (A4 or A3) with a QR code to the sheet and a short address one can type.

PDFs are made here, from HTML and CSS, by WeasyPrint (no browser), tagged for assistive
technologies (PDF/UA-1: structure tree, the page's language, its title), in a font bundled with
the site (Atkinson Hyperlegible, SIL OFL, designed for legibility). The QR code is made here too
(segno), as an image inside the PDF.

What the PDF engine may load is closed: only the bundled fonts and images given inline as
`data:` addresses. A sheet's texts are printed as plain text (escaped by the template engine),
and a URL written in them is never fetched — a poster cannot be made to reach the network.

A poster costs a few hundred milliseconds of CPU: each is kept in the cache under the sheet's
last change, its workspace's and territory's, the format, the language and the host, so that a
commune printing a hundred copies, or anyone reloading, costs one rendering.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from events.generation import data_generation
from meetings.models import Meeting
from meetings.selectors import meeting_list_visible
from projects.markdown import markdown_to_text
from projects.models import FramingNote, ProjectSheet
from projects.participation import sheet_participation
from projects.permissions import SHEET_POLICY
from projects.selectors import sheet_queryset

from .guide import level_guide_url

# The PDF engine's progress and the font converter's steps are not worth a log line per poster.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "static" / "portal" / "fonts"
FORMATS = {"a4": "A4", "a3": "A3"}
SUMMARY_CHARS = 420
PLACES_CHARS = 360
CACHE_SECONDS = 24 * 3600


def _closed_fetcher() -> Any:
    """WeasyPrint's URL fetcher, closed: the bundled fonts and inline `data:` images, nothing
    else (no network, no other file)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ClosedFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(url[len("file://") :]).resolve()
                if path.parent == FONTS and path.suffix == ".woff2" and path.is_file():
                    return URLFetcherResponse(
                        url, path.read_bytes(), {"Content-Type": "font/woff2"}
                    )
            raise ValueError("Only the bundled fonts and inline images are loaded.")

    return ClosedFetcher()


def qr_data_uri(url: str) -> str:
    """A PNG QR code of `url` (error correction M: a poster survives a fold or a stain)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The PDF of `template` (an HTML page for print, with its stylesheet: the same name ending
    in .css, also a template), tagged (PDF/UA-1)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    context = {**context, "fonts": FONTS.as_uri()}
    html = render_to_string(f"{template}.html", context)
    css = render_to_string(f"{template}.css", context)
    fetcher = _closed_fetcher()
    fonts = FontConfiguration()  # the stylesheet's @font-face rules load into it
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=fetcher, font_config=fonts)],
        font_config=fonts,
        pdf_variant="pdf/ua-1",
    )


def short_path(sheet: ProjectSheet) -> str:
    return reverse("portal:sheet_short", args=[sheet.pk])


def _excerpt(text: str, limit: int) -> str:
    plain = " ".join(markdown_to_text(text or "").split())
    if len(plain) <= limit:
        return plain
    cut = plain.rfind(" ", 0, limit)
    return plain[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"


def _public_sheet(slug: str) -> ProjectSheet:
    """The sheet of `slug` if the public may see it: a poster is for the street, so a sheet only
    members may read gets the same 404 as a missing one, whoever asks."""
    return SHEET_POLICY.get_visible(AnonymousUser(), sheet_queryset(), slug=slug)


@require_GET
def sheet_short(request: HttpRequest, pk: int) -> HttpResponse:
    """/f/<id>/: the short address printed under the QR code, to the sheet's page — for whoever
    may see the sheet (a private sheet's address is not told by its number: 404)."""
    sheet = SHEET_POLICY.get_visible(request.user, sheet_queryset(), pk=pk)
    return HttpResponseRedirect(sheet.get_absolute_url())


def _pdf_response(
    request: HttpRequest,
    kind: str,
    stamp: tuple[Any, ...],
    template: str,
    make_context: Any,
    filename: str,
) -> HttpResponse:
    """The PDF of `template`, kept in the cache under `stamp` (what its content depends on) and
    the language, host and scheme it is printed for; `make_context()` only on a miss."""
    material = "|".join(
        str(part) for part in (*stamp, get_language() or "fr", request.get_host(), request.scheme)
    )
    key = f"print:{kind}:" + hashlib.sha256(material.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(template, make_context())
        cache.set(key, pdf, CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _sheet_stamp(sheet: ProjectSheet) -> tuple[Any, ...]:
    """What a sheet's printed materials depend on: the sheet, its workspace and territory, its
    meetings (their last change and number: one query) and the day (a meeting passes)."""
    meetings = Meeting.objects.filter(sheet=sheet).aggregate(last=Max("updated"), n=Count("pk"))
    return (
        sheet.pk,
        sheet.updated.isoformat(),
        sheet.workspace.updated.isoformat() if sheet.workspace_id else "",
        sheet.territory_id or "",
        meetings["last"].isoformat() if meetings["last"] else "",
        meetings["n"],
        timezone.localdate().isoformat(),
    )


# The next public meetings a printed sheet announces (the rest are on the sheet online).
MEETINGS_PRINTED = 3


@require_GET
def poster(request: HttpRequest, slug: str) -> HttpResponse:
    """The sheet's poster as a PDF, A4 (default) or A3 (`?format=a3`)."""
    size = FORMATS.get(request.GET.get("format", "a4"))
    if size is None:
        return HttpResponse(
            _("Format d'affiche inconnu : a4 ou a3."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    sheet = _public_sheet(slug)
    return _pdf_response(
        request,
        "poster",
        (*_sheet_stamp(sheet), size),
        "portal/print/poster",
        lambda: {**_sheet_context(request, sheet), "size": size},
        f"affiche-{sheet.slug}-{size.lower()}.pdf",
    )


@require_GET
def booklet(request: HttpRequest, slug: str) -> HttpResponse:
    """The sheet's booklet: A5 pages (an A4 sheet folded in two, printed in the printer's
    booklet mode) with the project, the officials' framing, the questions asked, the dates and
    places, what participants can change and what becomes of contributions."""
    sheet = _public_sheet(slug)
    framing = (
        FramingNote.objects.filter(sheet=sheet, status=FramingNote.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    stamp = (*_sheet_stamp(sheet), framing.pk if framing else "")
    return _pdf_response(
        request,
        "booklet",
        stamp,
        "portal/print/booklet",
        lambda: _booklet_context(request, sheet, framing),
        f"livret-{sheet.slug}.pdf",
    )


def _sheet_context(request: HttpRequest, sheet: ProjectSheet) -> dict[str, Any]:
    version = sheet.current_version
    sections = version.sections if version else {}
    short = request.build_absolute_uri(short_path(sheet))
    readable = short.split("://", 1)[-1].rstrip("/")
    return {
        "sheet": sheet,
        "title": version.title if version else sheet.title,
        "summary": _excerpt(version.summary if version else "", SUMMARY_CHARS),
        "places": _excerpt(sections.get("modalities_places", ""), PLACES_CHARS),
        "opens": _date(sections.get("calendar_start")),
        "closes": _date(sections.get("calendar_end")),
        "participation": sheet_participation(sheet),
        "guide": request.build_absolute_uri(level_guide_url(sheet.participation_level)),
        "qr": qr_data_uri(short),
        "short_url": readable,
        "territory": sheet.territory,
        "workspace": sheet.workspace,
        "meetings": list(
            meeting_list_visible(user=AnonymousUser(), sheet=sheet.pk, upcoming=True)[
                :MEETINGS_PRINTED
            ]
        ),
        "made": timezone.localdate(),
    }


# A booklet's section is a page or two at most: longer texts end with a pointer to the sheet.
BOOKLET_SECTION_CHARS = 2_500


def _booklet_context(
    request: HttpRequest, sheet: ProjectSheet, framing: FramingNote | None
) -> dict[str, Any]:
    version = sheet.current_version
    sections = version.sections if version else {}

    def text(value: Any) -> str:
        return _excerpt(value if isinstance(value, str) else "", BOOKLET_SECTION_CHARS)

    return {
        **_sheet_context(request, sheet),
        "summary": text(version.summary if version else ""),
        "context": text(sections.get("context")),
        "objectives": text(sections.get("objectives")),
        "questions": text(sections.get("questions")),
        "places": text(sections.get("modalities_places")),
        "framing": framing,
        "intent": text(framing.political_intent) if framing else "",
        "constraints": text(
            " ".join(filter(None, [framing.legal_constraints, framing.budget_constraints]))
        )
        if framing
        else "",
        "use_of_contributions": text(framing.use_of_contributions) if framing else "",
    }


NEWSLETTER_MEETINGS = 8


@require_GET
def newsletter(request: HttpRequest, commune: str, quartier: str | None = None) -> HttpResponse:
    """A territory's printable newsletter (A4): its open consultations, those announced and its
    recent results — with its commune's and the Eurométropole's, labelled — as the public sees
    them, and a QR code to the territory's page."""
    from .territory.selectors import territory_get, territory_overview
    from .territory.views import territory_url

    if quartier is None:
        territory = territory_get(slug=commune, kinds=("commune",))
    else:
        territory = territory_get(slug=quartier, kinds=("quartier",))
        if territory.parent is None or territory.parent.slug != commune:
            raise Http404("No such quartier.")

    def make_context() -> dict[str, Any]:
        overview = territory_overview(user=AnonymousUser(), territory=territory)
        for key in ("open_consultations", "upcoming"):
            for row in overview[key]:
                row.opens_day = _date(getattr(row, "opens_on", None))
                row.closes_day = _date(getattr(row, "closes_on", None))
        page = request.build_absolute_uri(territory_url(territory))
        meetings = meeting_list_visible(user=AnonymousUser(), territory=territory, upcoming=True)
        return {
            **overview,
            "meetings": list(meetings[:NEWSLETTER_MEETINGS]),
            "host": request.get_host(),
            "qr": qr_data_uri(page),
            "page_url": page.split("://", 1)[-1].rstrip("/"),
            "made": timezone.localdate(),
        }

    return _pdf_response(
        request,
        "newsletter",
        (territory.pk, data_generation(), timezone.localdate().isoformat()),
        "portal/print/newsletter",
        make_context,
        f"journal-{territory.slug}.pdf",
    )


def _date(value: Any):
    import datetime

    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
