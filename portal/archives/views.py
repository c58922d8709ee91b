"""The archives page (`/archives/`: a GET form of filters, working without script, and pages of
ended sheets, each at its own address /fiches/<slug>/) and the open-data export
(`/donnees/fiches.csv` and `/donnees/fiches.json`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from projects.models import ParticipationLevel
from territories.models import Territory, Theme

from . import export
from .selectors import ArchiveFilters, archive_list, archive_years

PAGE_SIZE = 20

# What each column of the export holds, shown on the archives page.
FIELD_HELP = {
    "id": _("numéro de la fiche"),
    "url": _("adresse de la fiche"),
    "slug": _("identifiant de la fiche dans son adresse"),
    "title": _("titre"),
    "summary": _("résumé"),
    "stage": _(
        "étape : initiative, consultation, realisation, evaluation, archived (archivée) "
        "ou abandoned (abandonnée)"
    ),
    "participation_level": _(
        "niveau de participation promis : inform, consult, concert, co_construct, co_decide"
    ),
    "territory": _("identifiant du territoire (commune, quartier ou Eurométropole)"),
    "territory_name": _("nom du territoire"),
    "themes": _("identifiants des thèmes (séparés par « | » dans le CSV)"),
    "workspace": _("identifiant de l'espace qui porte le projet"),
    "workspace_name": _("nom de cet espace"),
    "version": _("numéro de la version publiée"),
    "decisions": _("décisions prises (Markdown)"),
    "response_to_contributions": _("réponse aux contributions (Markdown)"),
    "created": _("création de la fiche (ISO 8601)"),
    "updated": _("dernière modification (ISO 8601)"),
    "stage_changed_at": _(
        "dernier changement d'étape (ISO 8601) : pour une fiche archivée ou abandonnée, la date "
        "de son archivage ou de son abandon"
    ),
}


@require_safe
def archives(request: HttpRequest) -> HttpResponse:
    filters = ArchiveFilters.read(request.GET)
    qs = archive_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": filters,
        "query_string": urlencode(filters.as_query()),
        "years": archive_years(user=request.user),
        "levels": ParticipationLevel.choices,
        "territories": Territory.objects.only("slug", "name", "kind").order_by("kind", "name"),
        "themes": Theme.objects.only("slug", "name").order_by("name"),
        "any_filter": bool(filters.as_query()),
        "fields": [(name, FIELD_HELP[name]) for name in export.FIELDS],
        "licence": export.LICENCE,
        "licence_url": export.LICENCE_URL,
    }
    return render(request, "portal/archives.html", context)


@require_safe
def sheets_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        export.csv_lines(request.build_absolute_uri), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="fabrique-fiches.csv"'
    return response


@require_safe
def sheets_json(request: HttpRequest) -> StreamingHttpResponse:
    generated_at = timezone.now().replace(microsecond=0).isoformat()
    return StreamingHttpResponse(
        export.json_chunks(request.build_absolute_uri, generated_at),
        content_type="application/json; charset=utf-8",
    )
