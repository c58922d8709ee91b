"""Reads for the territory pages and API, each through the owning app's visibility rule:
sheets through the sheet policy (`sheet_visibility_q`: a private sheet or a private workspace's
sheet is never listed, nor counted, to someone who may not see it), debates through the debate
policy, officials through the directory's selector and its statistics.

Scopes: a commune's page lists its own sheets and its quartiers' ("here", each row naming its
quartier) and what concerns the whole Eurométropole; a quartier's page lists its own, its
commune's and the Eurométropole's. Every row says which ("here", "commune", "metropole").
Each list is one query (plus the themes' prefetch where shown), whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import NullIf
from django.http import Http404
from django.utils import timezone

from debates.models import Debate
from debates.selectors import debate_list_visible
from officials.models import OfficialProfile
from officials.selectors import official_list, official_stats
from projects.models import ProjectSheet, Stage
from projects.selectors import sheet_list_open_consultations, sheet_visibility_q
from territories.models import Territory
from workflow.selectors import sheet_list_recent_results

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Territory slugs are at most 140 characters (the model's field): longer is not one of ours.
SLUG_MAX = 140
# Each list of a page is short: the full lists are the sheet list and the debates.
SHOWN = 20
OFFICIALS_SHOWN = 30

HERE, COMMUNE, METROPOLE = "here", "commune", "metropole"


@dataclass
class Scope:
    """Where a territory's page looks: its own territories (a commune's quartiers among them),
    its commune's (for a quartier) and the metropole's."""

    territory: Territory
    here: list[int]
    commune: Territory | None = None
    metropole: Territory | None = None
    quartiers: list[Territory] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        ids = [*self.here]
        if self.commune is not None:
            ids.append(self.commune.pk)
        if self.metropole is not None:
            ids.append(self.metropole.pk)
        return ids

    def of(self, territory_id: int | None) -> str:
        if self.commune is not None and territory_id == self.commune.pk:
            return COMMUNE
        if self.metropole is not None and territory_id == self.metropole.pk:
            return METROPOLE
        return HERE


def territory_tree() -> list[Territory]:
    """Every territory: the metropole, the communes by name, then the quartiers by name."""
    order: dict[str, int] = {"metropole": 0, "commune": 1, "quartier": 2}
    rows = list(Territory.objects.select_related("parent").order_by("name", "pk"))
    return sorted(rows, key=lambda t: order.get(t.kind, 9))


def territory_index() -> list[dict[str, Any]]:
    """The communes by name, each with its quartiers by name (one query)."""
    rows = list(
        Territory.objects.filter(kind__in=[Territory.Kind.COMMUNE, Territory.Kind.QUARTIER])
        .only("pk", "slug", "name", "kind", "parent_id")
        .order_by("name", "pk")
    )
    quartiers: dict[int | None, list[Territory]] = {}
    for row in rows:
        if row.kind == Territory.Kind.QUARTIER:
            quartiers.setdefault(row.parent_id, []).append(row)
    return [
        {"commune": row, "quartiers": quartiers.get(row.pk, [])}
        for row in rows
        if row.kind == Territory.Kind.COMMUNE
    ]


def territory_get(*, slug: Any, kinds: tuple[str, ...] | None = None) -> Territory:
    """The territory of that slug (and kind), or 404 — for any other input, however odd."""
    if not isinstance(slug, str) or not 0 < len(slug) <= SLUG_MAX or "\x00" in slug:
        raise Http404("No such territory.")
    territory = Territory.objects.select_related("parent__parent").filter(slug=slug).first()
    if territory is None or (kinds is not None and territory.kind not in kinds):
        raise Http404("No such territory.")
    return territory


def territory_scope(territory: Territory) -> Scope:
    metropole = Territory.objects.filter(kind=Territory.Kind.METROPOLE).order_by("pk").first()
    if territory.kind == Territory.Kind.METROPOLE:
        return Scope(territory=territory, here=[territory.pk])
    if territory.kind == Territory.Kind.COMMUNE:
        quartiers = list(territory.children.order_by("name", "pk"))
        return Scope(
            territory=territory,
            here=[territory.pk, *(q.pk for q in quartiers)],
            metropole=metropole,
            quartiers=quartiers,
        )
    return Scope(
        territory=territory, here=[territory.pk], commune=territory.parent, metropole=metropole
    )


def _section_date(code: str) -> NullIf:
    return NullIf(
        KeyTextTransform(code, "current_version__sections"), Value(""), output_field=TextField()
    )


def open_consultations(
    *, user: User | AnonymousUser, scope: Scope, today: datetime.date | None = None
) -> QuerySet[ProjectSheet]:
    """Visible sheets in consultation now (started, not past their end) in the scope, closing
    soonest first (the undated ones after them)."""
    today_iso = (today or timezone.localdate()).isoformat()
    return sheet_list_open_consultations(user=user, today=today).filter(
        Q(opens_on__isnull=True) | Q(opens_on__lte=today_iso), territory_id__in=scope.ids
    )


def upcoming_consultations(
    *, user: User | AnonymousUser, scope: Scope, today: datetime.date | None = None
) -> QuerySet[ProjectSheet]:
    """Visible sheets whose consultation is still to come, soonest first: those announced for a
    later day (the start date set while the sheet is being prepared, or in consultation but not
    started), then the sheets being prepared without a date yet ("date à préciser") — a
    consultation being prepared in one's quartier is news even before its calendar is set. A
    sheet being prepared whose announced day has passed is still to come: it has not opened."""
    today_iso = (today or timezone.localdate()).isoformat()
    return (
        ProjectSheet.objects.filter(
            sheet_visibility_q(user),
            stage__in=[Stage.INITIATIVE, Stage.CONSULTATION],
            territory_id__in=scope.ids,
        )
        .select_related("workspace", "territory__parent")
        .annotate(opens_on=_section_date("calendar_start"), closes_on=_section_date("calendar_end"))
        .filter(Q(stage=Stage.INITIATIVE) | Q(opens_on__gt=today_iso))
        .order_by(F("opens_on").asc(nulls_last=True), "title", "pk")
    )


def recent_results(*, user: User | AnonymousUser, scope: Scope) -> QuerySet[ProjectSheet]:
    """Visible sheets of the scope that reached their results in the last year (the home's
    rule: evaluation or archive with the restitution published), the latest first."""
    return sheet_list_recent_results(user=user).filter(territory_id__in=scope.ids)


def quartier_projects(*, user: User | AnonymousUser, scope: Scope) -> QuerySet[ProjectSheet]:
    """A commune's page: the visible sheets of its quartiers still under way, by quartier."""
    quartier_ids = [q.pk for q in scope.quartiers]
    return (
        ProjectSheet.objects.filter(
            sheet_visibility_q(user),
            territory_id__in=quartier_ids,
            stage__in=[Stage.INITIATIVE, Stage.CONSULTATION, Stage.REALISATION, Stage.EVALUATION],
        )
        .select_related("workspace", "territory__parent")
        .order_by("territory__name", "-updated", "pk")
    )


def territory_debates(*, user: User | AnonymousUser, scope: Scope) -> QuerySet[Debate]:
    """Open debates the person may see about the scope's territories or on their sheets."""
    ids = scope.ids
    return (
        debate_list_visible(user=user, state=Debate.State.OPEN)
        .filter(Q(territory_id__in=ids) | Q(sheet__territory_id__in=ids))
        .select_related("sheet__territory")
    )


def territory_officials(*, scope: Scope) -> list[OfficialProfile]:
    """The verified officials in charge (their territories: this one — for a commune, its
    quartiers too —, its commune, the Eurométropole), those of this very territory first, each
    with `stats` from the officials' statistics (two queries for all), `scope`, and for a
    commune's page the quartier an official answers for (`quartier`, or None)."""
    through = OfficialProfile.territories.through.objects

    def holds(ids: list[int]) -> Exists:
        return Exists(through.filter(officialprofile_id=OuterRef("pk"), territory_id__in=ids))

    commune_ids = [scope.commune.pk] if scope.commune is not None else []
    profiles: list[Any] = list(
        official_list()
        .filter(holds(scope.ids))
        .annotate(in_here=holds(scope.here), in_commune=holds(commune_ids))
        .order_by("-in_here", "-in_commune", "user__display_name", "pk")[:OFFICIALS_SHOWN]
    )
    stats = official_stats([p.pk for p in profiles])
    quartiers = {q.pk: q for q in scope.quartiers}
    for profile in profiles:
        profile.stats = stats[profile.pk]
        in_here, in_commune = profile.in_here, profile.in_commune
        profile.scope = HERE if in_here else COMMUNE if in_commune else METROPOLE
        mine = [t.pk for t in profile.territories.all()]
        profile.quartier = (
            None
            if scope.territory.pk in mine
            else next((quartiers[pk] for pk in mine if pk in quartiers), None)
        )
    return profiles


def territory_overview(
    *, user: User | AnonymousUser, territory: Territory, today: datetime.date | None = None
) -> dict[str, Any]:
    """Everything a territory's page and API show, each sheet and debate with its `scope`."""
    today = today or timezone.localdate()
    scope = territory_scope(territory)

    def scoped(rows: Any) -> list[Any]:
        rows = list(rows[:SHOWN])
        for row in rows:
            row.scope = scope.of(row.territory_id)
        return rows

    debates = list(territory_debates(user=user, scope=scope)[:SHOWN])
    for debate in debates:
        where = debate.territory_id or (debate.sheet.territory_id if debate.sheet else None)
        debate.scope = scope.of(where)  # type: ignore[attr-defined]
    return {
        "territory": territory,
        "scope": scope,
        "today": today,
        "open_consultations": scoped(open_consultations(user=user, scope=scope, today=today)),
        "upcoming": scoped(upcoming_consultations(user=user, scope=scope, today=today)),
        "recent_results": scoped(recent_results(user=user, scope=scope)),
        "quartier_projects": list(quartier_projects(user=user, scope=scope)[:SHOWN])
        if scope.quartiers
        else [],
        "debates": debates,
        "officials": territory_officials(scope=scope),
    }
