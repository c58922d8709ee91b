"""Writes for territories and themes: loading the communes, staff adding quartiers and themes."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.services import event_record

from .errors import TerritoryPermissionDenied
from .geojson import boundary_clean
from .models import Territory, Theme
from .permissions import can_manage_quartiers

COMMUNES_CSV = Path(settings.BASE_DIR) / "data" / "communes-eurometropole-strasbourg.csv"

DEFAULT_THEMES = [
    "Mobilité",
    "Environnement",
    "Éducation",
    "Culture",
    "Solidarités",
    "Urbanisme",
    "Numérique",
    "Santé",
    "Sport",
    "Démocratie locale",
]


def territory_slug(name: str) -> str:
    """Slug from the name without accents: "Illkirch-Graffenstaden" → "illkirch-graffenstaden"."""
    return slugify(name.replace("'", " ").replace("’", " "))


@transaction.atomic
def territory_create(*, name: str, kind: str, parent: Territory | None = None) -> Territory:
    territory = Territory(name=name, slug=territory_slug(name), kind=kind, parent=parent)
    if kind == Territory.Kind.QUARTIER and parent is not None:
        # Quartier names repeat across communes ("Centre"): qualify the slug by the commune.
        territory.slug = f"{parent.slug}-{territory_slug(name)}"
    territory.full_clean()
    territory.save()
    return territory


@transaction.atomic
def territory_update(
    *, territory: Territory, name: str, kind: str, parent: Territory | None
) -> Territory:
    """Rename or re-place a territory (staff, in the admin). The slug stays: it is the
    territory's address in URLs, feeds, filters and sheet versions."""
    locked = Territory.objects.select_for_update().get(pk=territory.pk)
    locked.name, locked.kind, locked.parent = name, kind, parent
    locked.full_clean()
    locked.save(update_fields=["name", "kind", "parent"])
    return locked


def _quartier_checked(*, actor: Any, name: str, commune: Territory) -> str:
    if not can_manage_quartiers(actor):
        raise TerritoryPermissionDenied(_("Seuls les agents gèrent les quartiers."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Donnez un nom au quartier.")})
    if commune is None or commune.kind != Territory.Kind.COMMUNE:
        raise ValidationError({"parent": _("Un quartier appartient à une commune.")})
    return name


@transaction.atomic
def quartier_create(
    *, actor: Any, name: str, commune: Territory, boundary: Any = None
) -> Territory:
    """Staff add a quartier under a commune (its slug is the commune's plus its own name, and
    never changes); the boundary is optional GeoJSON (territories.geojson)."""
    name = _quartier_checked(actor=actor, name=name, commune=commune)
    slug = f"{commune.slug}-{territory_slug(name)}"
    if Territory.objects.filter(slug=slug).exists():
        raise ValidationError({"name": _("Ce quartier existe déjà dans cette commune.")})
    quartier = Territory(
        name=name,
        slug=slug,
        kind=Territory.Kind.QUARTIER,
        parent=commune,
        boundary=boundary_clean(boundary),
    )
    quartier.full_clean()
    quartier.save()
    event_record(
        actor=actor,
        verb="territory.quartier_created",
        target=quartier,
        data={"commune": commune.slug, "boundary": quartier.boundary is not None},
    )
    return quartier


@transaction.atomic
def quartier_update(
    *, actor: Any, quartier: Territory, name: str, commune: Territory, boundary: Any = None
) -> Territory:
    """Rename a quartier, move it under another commune, set or remove its boundary. The slug
    stays: it is the quartier's address in URLs, feeds, filters and sheet versions."""
    name = _quartier_checked(actor=actor, name=name, commune=commune)
    locked = Territory.objects.select_for_update().get(pk=quartier.pk)
    if locked.kind != Territory.Kind.QUARTIER:
        raise ValidationError({"kind": _("Seuls les quartiers se gèrent ici.")})
    before = {"name": locked.name, "commune": locked.parent.slug if locked.parent else None}
    locked.name, locked.parent, locked.boundary = name, commune, boundary_clean(boundary)
    locked.full_clean()
    locked.save(update_fields=["name", "parent", "boundary"])
    event_record(
        actor=actor,
        verb="territory.quartier_updated",
        target=locked,
        data={
            "before": before,
            "after": {"name": name, "commune": commune.slug},
            "boundary": locked.boundary is not None,
        },
    )
    return locked


@transaction.atomic
def territories_load_reference(path: Path = COMMUNES_CSV) -> int:
    """Idempotently load the metropole and its communes from the reference CSV; returns rows created."""
    created = 0
    by_name: dict[str, Territory] = {}
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Parents first, whatever the order of the file.
    order = {"metropole": 0, "commune": 1, "quartier": 2}
    for row in sorted(rows, key=lambda r: order.get(r["kind"], 9)):
        name, kind, parent_name = row["name"].strip(), row["kind"].strip(), row["parent"].strip()
        parent = by_name.get(parent_name) if parent_name else None
        territory = Territory.objects.filter(slug=territory_slug(name)).first()
        if territory is None:
            territory = territory_create(name=name, kind=kind, parent=parent)
            created += 1
        by_name[name] = territory
    return created


@transaction.atomic
def theme_create(*, name: str, description: str = "") -> Theme:
    theme = Theme(name=name, slug=territory_slug(name), description=description)
    theme.full_clean()
    theme.save()
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, name: str, description: str) -> Theme:
    """Rename or describe a theme; the slug stays (see territory_update)."""
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    locked.name, locked.description = name, description
    locked.full_clean()
    locked.save(update_fields=["name", "description"])
    return locked


@transaction.atomic
def themes_load_defaults() -> int:
    created = 0
    for name in DEFAULT_THEMES:
        if not Theme.objects.filter(slug=territory_slug(name)).exists():
            theme_create(name=name)
            created += 1
    return created
