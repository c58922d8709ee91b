"""A small world for the notifications' tests: a public sheet in a quartier, followers of every
kind at every level, and helpers to record an event and fan it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import PlatformRole
from events.services import event_record
from notifications.fanout import fan_out_activity, fan_out_pending
from notifications.inbox import audience
from notifications.models import Notification, Recipient, Subscription
from notifications.services import notifications_sync
from projects.models import Stage
from territories.models import Territory, Theme

from ..factories import SheetFactory, UserFactory, WorkspaceFactory


def follow(user, target_type: str, target_id: int, level: str = "standard") -> Subscription:
    """A follow as the services make it (with the person's settings row), at this instant."""
    Recipient.objects.get_or_create(user=user)
    return Subscription.objects.create(
        user=user, target_type=target_type, target_id=target_id, level=level
    )


def told(activity) -> dict[int, str]:
    """Who is told of `activity`: user id → kind (directly, or by reading its entries)."""
    return audience(activity)


def inbox(user):
    """The person's notifications as their centre shows them (their followed news taken in)."""
    notifications_sync(actor=user)
    return Notification.objects.filter(recipient=user)


def record(actor, verb: str, target, data: dict | None = None):
    """Record an event as a service would, and fan it out at once; returns the activity."""
    activity = event_record(actor=actor, verb=verb, target=target, data=data or {})
    fan_out_activity(activity)
    return activity


def drain() -> int:
    """Everything waiting, as the worker would."""
    total = 0
    while True:
        handled = fan_out_pending()
        total += handled
        if not handled:
            return total


@dataclass
class World:
    metropole: Territory
    commune: Territory
    quartier: Territory
    other_commune: Territory
    theme: Any
    workspace: Any
    sheet: Any
    actor: Any
    people: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    metropole = Territory.objects.get(kind="metropole")
    commune = Territory.objects.get(slug="strasbourg")
    quartier = Territory.objects.create(
        name="Neudorf", slug="neudorf-test", kind="quartier", parent=commune
    )
    other = Territory.objects.filter(kind="commune").exclude(pk=commune.pk).first()
    theme = Theme.objects.first()
    workspace = WorkspaceFactory()
    sheet = SheetFactory(
        workspace=workspace,
        territory=quartier,
        themes=(theme,),
        stage=Stage.CONSULTATION,
        summary="Un résumé.",
    )
    # The sheet's creator follows it automatically; this world counts only the followers below.
    Subscription.objects.filter(auto=True).delete()
    world = World(
        metropole,
        commune,
        quartier,
        other,
        theme,
        workspace,
        sheet,
        actor=UserFactory(platform_role=PlatformRole.STAFF),
    )
    plan = {
        "sheet_essential": ("sheet", sheet.pk, "essential"),
        "sheet_standard": ("sheet", sheet.pk, "standard"),
        "sheet_all": ("sheet", sheet.pk, "all"),
        "workspace_standard": ("workspace", workspace.pk, "standard"),
        "quartier_standard": ("territory", quartier.pk, "standard"),
        "commune_essential": ("territory", commune.pk, "essential"),
        "metropole_all": ("territory", metropole.pk, "all"),
        "theme_standard": ("theme", theme.pk, "standard"),
        "other_commune_all": ("territory", other.pk, "all"),
    }
    for name, (target_type, target_id, level) in plan.items():
        person = UserFactory(display_name=name)
        follow(person, target_type, target_id, level)
        world.people[name] = person
    # The actor follows everything too: never told of their own action.
    follow(world.actor, "sheet", sheet.pk, "all")
    return world
