"""Writes for territories and themes: loading the communes, staff adding quartiers and themes."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .models import Territory, Theme

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
