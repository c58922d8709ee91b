"""Reads for territories and themes (public data: no user needed)."""

from django.db.models import QuerySet

from .models import Territory, Theme


def territory_list(*, kind: str | None = None) -> QuerySet[Territory]:
    qs = Territory.objects.select_related("parent")
    return qs.filter(kind=kind) if kind else qs


def commune_list() -> QuerySet[Territory]:
    return Territory.objects.filter(kind=Territory.Kind.COMMUNE).order_by("name")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()
