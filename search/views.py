"""Pages of the search app: /recherche/?q= with filters, snippets and pagination."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from interface.views import attempt
from projects.models import ParticipationLevel, Stage
from territories.models import Territory, Theme
from workspace.selectors import workspace_list_visible

from .services import search_query

TYPE_LABELS = {
    "sheet": _("Fiches projet"),
    "document": _("Documents"),
    "framing_note": _("Notes de cadrage"),
    "debate": _("Débats"),
    "amendment": _("Amendements"),
    "meeting": _("Réunions et ateliers"),
}
FILTERS = ("type", "stage", "participation_level", "territory", "theme", "workspace")


def search(request):
    q = request.GET.get("q", "").strip()[:500]
    filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if filters["participation_level"] not in ParticipationLevel.values:
        filters["participation_level"] = ""  # an unknown level is ignored, as on the sheet list
    page, error = None, None
    if q:
        # A refused query (an unknown type…) is said above the form, not as a message.
        found = attempt(
            request,
            lambda: search_query(
                user=request.user,
                q=q,
                page=request.GET.get("page") or 1,
                **{k: v or None for k, v in filters.items()},
            ),
            quiet=True,
        )
        page = found.value
        error = found.error.message if found.error else None
    # Kept on every link (pagination), so the whole search lives in the URL.
    query_string = urlencode({"q": q, **{k: v for k, v in filters.items() if v}})
    context = {
        "q": q,
        "filters": filters,
        "page_obj": page,
        "results": page.results if page else [],
        "error": error,
        "query_string": query_string,
        "type_labels": TYPE_LABELS,
        "stages": Stage.choices,
        "levels": ParticipationLevel.choices,
        "territories": Territory.objects.order_by("name").only("slug", "name"),
        "themes": Theme.objects.order_by("name").only("slug", "name"),
        "workspaces": workspace_list_visible(user=request.user)
        .select_related(None)
        .only("slug", "name"),
        "any_filter": any(filters.values()),
    }
    return render(request, "search/search.html", context)
