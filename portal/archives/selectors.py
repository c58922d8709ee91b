"""Reads for the archives page and the open-data export, through the sheet policy's list filter
(`sheet_visibility_q`): a private sheet, or a private workspace's, is never listed nor counted
to someone who may not see it; the export reads as an anonymous visitor, whoever asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear

from projects.models import ENDED_STAGES, ParticipationLevel, ProjectSheet
from projects.selectors import sheet_list_visible, sheet_visibility_q
from territories.models import Territory, Theme

if TYPE_CHECKING:
    from accounts.models import User

# A year the archives could hold; anything else in the query string is ignored.
YEAR_MIN, YEAR_MAX = 2000, 2999
SLUG_MAX = 140
Q_MAX = 200


@dataclass
class ArchiveFilters:
    """The archives' filters, each already checked (an unknown value is None: the whole list)."""

    year: int | None = None
    territory: Territory | None = None
    theme: Theme | None = None
    level: str | None = None
    q: str | None = None

    @classmethod
    def read(cls, params: Any) -> ArchiveFilters:
        def text(name: str, limit: int = SLUG_MAX) -> str:
            value = params.get(name, "")
            value = value.strip() if isinstance(value, str) else ""
            return value if 0 < len(value) <= limit and "\x00" not in value else ""

        year = text("year", 4)
        slug_t, slug_th, level = text("territory"), text("theme"), text("participation_level")
        return cls(
            year=int(year) if year.isdigit() and YEAR_MIN <= int(year) <= YEAR_MAX else None,
            territory=Territory.objects.select_related("parent").filter(slug=slug_t).first()
            if slug_t
            else None,
            theme=Theme.objects.filter(slug=slug_th).first() if slug_th else None,
            level=level if level in ParticipationLevel.values else None,
            q=text("q", Q_MAX) or None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters as they go back into links (pagination), only those set."""
        values = {
            "year": str(self.year) if self.year else "",
            "territory": self.territory.slug if self.territory else "",
            "theme": self.theme.slug if self.theme else "",
            "participation_level": self.level or "",
            "q": self.q or "",
        }
        return {k: v for k, v in values.items() if v}


def territory_and_below_q(territory: Territory, prefix: str = "territory") -> Q:
    """The sheets of `territory` and of the territories under it (a commune's quartiers, the
    metropole's communes and their quartiers): the tree has three levels."""
    return (
        Q(**{prefix: territory})
        | Q(**{f"{prefix}__parent": territory})
        | Q(**{f"{prefix}__parent__parent": territory})
    )


def archive_list(
    *, user: User | AnonymousUser, filters: ArchiveFilters | None = None
) -> QuerySet[ProjectSheet]:
    """The ended sheets `user` may see, the latest ended first. The year is the one of the
    ending (a sheet leaves its last stage only that way, so `stage_changed_at` is its date)."""
    filters = filters or ArchiveFilters()
    qs = sheet_list_visible(user=user).filter(stage__in=ENDED_STAGES)
    if filters.year:
        qs = qs.filter(stage_changed_at__year=filters.year)
    if filters.territory is not None:
        qs = qs.filter(territory_and_below_q(filters.territory))
    if filters.theme is not None:
        qs = qs.filter(themes=filters.theme)
    if filters.level:
        qs = qs.filter(participation_level=filters.level)
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q) | Q(current_version__summary__icontains=filters.q)
        )
    return qs.order_by("-stage_changed_at", "-pk")


def archive_years(*, user: User | AnonymousUser) -> list[int]:
    """The years in which sheets `user` may see ended, the latest first (one query)."""
    years = (
        ProjectSheet.objects.filter(sheet_visibility_q(user), stage__in=ENDED_STAGES)
        .annotate(ended_year=ExtractYear("stage_changed_at"))
        .values_list("ended_year", flat=True)
        .distinct()
        .order_by("-ended_year")
    )
    return [y for y in years if y is not None]


def open_data_sheets() -> QuerySet[ProjectSheet]:
    """Every sheet the public may see (whoever asks: the export is the same for all), with what
    the export writes, oldest first so that a re-download appends at the end."""
    return (
        ProjectSheet.objects.filter(sheet_visibility_q(AnonymousUser()))
        .select_related("workspace", "territory", "current_version")
        .only(
            "pk",
            "slug",
            "title",
            "stage",
            "participation_level",
            "created",
            "updated",
            "stage_changed_at",
            "is_public",
            "workspace__slug",
            "workspace__name",
            "workspace__visibility",
            "territory__slug",
            "territory__name",
            "current_version__number",
            "current_version__summary",
            "current_version__sections",
        )
        .prefetch_related("themes")
        .order_by("pk")
    )
