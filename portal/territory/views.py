"""Territory pages (index, commune, quartier), the home's commune choice, and staff's quartier
management. Pages without script: plain links and forms."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interface.views import service_call
from territories.models import Territory
from territories.permissions import can_manage_quartiers
from territories.services import quartier_create, quartier_update

from ..home import consultation_rows
from .forms import QuartierForm
from .memory import home_territory_find, remember
from .selectors import territory_get, territory_index, territory_overview

# The service's field names as the form calls them.
RENAME = {"parent": "commune"}
COMMUNE = (Territory.Kind.COMMUNE,)
QUARTIER = (Territory.Kind.QUARTIER,)


def territory_url(territory: Territory) -> str:
    if territory.kind == Territory.Kind.QUARTIER and territory.parent is not None:
        return reverse("portal:quartier", args=[territory.parent.slug, territory.slug])
    if territory.kind == Territory.Kind.COMMUNE:
        return reverse("portal:commune", args=[territory.slug])
    return reverse("portal:territories")


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/territory_index.html",
        {"communes": territory_index(), "may_manage": can_manage_quartiers(request.user)},
    )


def _page(request: HttpRequest, territory: Territory) -> HttpResponse:
    context = territory_overview(user=request.user, territory=territory)
    today = context["today"]
    for key in ("open_consultations", "upcoming"):
        rows = consultation_rows(context[key], today)
        for row in rows:
            row["scope"] = row["sheet"].scope
        context[f"{key}_rows"] = rows
    context["may_manage"] = can_manage_quartiers(request.user)
    return render(request, "portal/territory.html", context)


def commune(request: HttpRequest, commune: str) -> HttpResponse:
    return _page(request, territory_get(slug=commune, kinds=COMMUNE))


def quartier(request: HttpRequest, commune: str, quartier: str) -> HttpResponse:
    """A quartier's page; its address names its commune. A quartier moved under another commune
    (or reached through its short name, /territoires/strasbourg/neudorf/) is sent to its address."""
    parent = territory_get(slug=commune, kinds=COMMUNE)
    found = Territory.objects.filter(
        slug__in=[quartier, f"{parent.slug}-{quartier}"], kind=Territory.Kind.QUARTIER
    ).select_related("parent__parent")
    territory = next((t for t in found if t.slug == quartier), None) or next(iter(found), None)
    if territory is None:
        raise Http404("No such quartier.")
    if territory.parent_id != parent.pk or territory.slug != quartier:
        return redirect(territory_url(territory), permanent=territory.parent_id == parent.pk)
    return _page(request, territory)


@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    """The home's chooser: to the chosen commune's (or quartier's) page, remembered. A visitor's
    choice (a GET form) goes to a cookie; a member's (a POST form with its CSRF token) to the
    profile, never through a GET another site could make them follow. No choice ("the whole
    Eurométropole") forgets it and leads to the index."""
    slug = request.POST.get("commune") if request.method == "POST" else request.GET.get("commune")
    territory = home_territory_find(slug) if slug else None
    if slug and territory is None:
        raise Http404("No such territory.")
    response = redirect(territory_url(territory) if territory else reverse("portal:territories"))
    if request.user.is_authenticated and request.method != "POST":
        return response
    remember(request, response, territory)
    return response


def _staff(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not can_manage_quartiers(request.user):
        raise PermissionDenied


def _boundary_text(territory: Territory | None) -> str:
    if territory is None or territory.boundary is None:
        return ""
    return json.dumps(territory.boundary, ensure_ascii=False)


@require_http_methods(["GET", "POST"])
def quartiers_manage(request: HttpRequest) -> HttpResponse:
    """Staff: the quartiers by commune, and the form to add one."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    _staff(request)
    form = QuartierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created, status = service_call(
            request,
            form,
            lambda: quartier_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                commune=form.cleaned_data["commune"],
                boundary=form.cleaned_data["boundary"] or None,
            ),
            rename=RENAME,
        )
        if created is not None:
            messages.success(request, _("Quartier « %(name)s » créé.") % {"name": created.name})
            return redirect("portal:quartiers_manage")
    else:
        status = 400 if request.method == "POST" else 200
    communes = [c for c in territory_index() if c["quartiers"]]
    return render(
        request,
        "portal/quartiers_manage.html",
        {"form": form, "communes": communes},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def quartier_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    _staff(request)
    territory = territory_get(slug=slug, kinds=QUARTIER)
    initial: dict[str, Any] = {
        "name": territory.name,
        "commune": territory.parent,
        "boundary": _boundary_text(territory),
    }
    form = QuartierForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        updated, status = service_call(
            request,
            form,
            lambda: quartier_update(
                actor=request.user,
                quartier=territory,
                name=form.cleaned_data["name"],
                commune=form.cleaned_data["commune"],
                boundary=form.cleaned_data["boundary"] or None,
            ),
            rename=RENAME,
        )
        if updated is not None:
            messages.success(
                request, _("Quartier « %(name)s » enregistré.") % {"name": updated.name}
            )
            return redirect("portal:quartiers_manage")
    else:
        status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/quartier_edit.html",
        {"form": form, "quartier": territory, "page_url": territory_url(territory)},
        status=status,
    )
