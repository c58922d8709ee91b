"""What can be followed: each target type, found by id or slug, checked against the reader's
rights, named and linked for the subscription list."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from debates.models import Debate
from debates.permissions import DEBATE_POLICY
from officials.models import OfficialProfile
from policies import Actor, Policy
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY

from .models import TargetType


@dataclass(frozen=True)
class Followable:
    type: str
    model: type[Model]
    policy: Policy | None  # None: public to everyone (territories, themes, officials)
    slug_field: str | None
    id_field: str = "pk"
    # Rows that may be followed at all (a verified, active official…).
    rows: Callable[[], QuerySet] | None = None
    url: Callable[[Any], str] | None = None

    def queryset(self) -> QuerySet:
        return self.rows() if self.rows is not None else self.model._default_manager.all()

    def find(self, user: Actor, key: Any) -> Model | None:
        """The object named by `key` (an id, or a slug when the type has one) if `user` may
        see it; None otherwise (what is hidden and what does not exist look the same)."""
        text = str(key).strip() if key is not None else ""
        if not text or len(text) > 200 or "\x00" in text:
            return None
        qs = self.queryset()
        if text.isdigit() and len(text) < 19:
            obj = qs.filter(**{self.id_field: int(text)}).first()
            if obj is None and self.slug_field:
                obj = qs.filter(**{self.slug_field: text}).first()
        elif self.slug_field:
            obj = qs.filter(**{self.slug_field: text}).first()
        else:
            return None
        if obj is None or (self.policy is not None and not self.policy.check(user, obj)):
            return None
        return obj

    def target_id(self, obj: Model) -> int:
        return int(getattr(obj, "user_id" if self.id_field == "user_id" else "pk"))

    def visible(self, user: Actor, ids: Iterable[int]) -> dict[int, Model]:
        """Those of `ids` that `user` may see, by target id, in one query."""
        qs = self.queryset().filter(**{f"{self.id_field}__in": list(ids)})
        if self.policy is not None:
            qs = qs.filter(self.policy.visible_q(user))
        return {self.target_id(obj): obj for obj in qs}


def _officials() -> QuerySet:
    return OfficialProfile.objects.filter(
        user__is_active=True, user__platform_role="official"
    ).select_related("user")


FOLLOWABLE: dict[str, Followable] = {
    TargetType.SHEET: Followable(TargetType.SHEET, ProjectSheet, SHEET_POLICY, "slug"),
    TargetType.DEBATE: Followable(TargetType.DEBATE, Debate, DEBATE_POLICY, None),
    TargetType.WORKSPACE: Followable(TargetType.WORKSPACE, Workspace, WORKSPACE_POLICY, "slug"),
    TargetType.TERRITORY: Followable(TargetType.TERRITORY, Territory, None, "slug"),
    TargetType.THEME: Followable(TargetType.THEME, Theme, None, "slug"),
    TargetType.OFFICIAL: Followable(
        TargetType.OFFICIAL, OfficialProfile, None, None, id_field="user_id", rows=_officials
    ),
}


def followable(target_type: str) -> Followable | None:
    return FOLLOWABLE.get(str(target_type))


def target_of(obj: Model) -> tuple[str, int] | None:
    """The (type, id) under which `obj` is followed, or None when it cannot be."""
    for kind in FOLLOWABLE.values():
        if isinstance(obj, kind.model):
            return kind.type, kind.target_id(obj)
    return None


def target_label(obj: Model) -> str:
    if isinstance(obj, OfficialProfile):
        return obj.user.display_name
    return str(obj)


def target_url(obj: Model) -> str:
    get = getattr(obj, "get_absolute_url", None)
    return get() if get is not None else ""
