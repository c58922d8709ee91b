"""A meeting through its service, at a given distance from now."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import PlatformRole
from meetings.services import meeting_create
from tests.factories import UserFactory


def staff() -> Any:
    return UserFactory(platform_role=PlatformRole.STAFF)


def meeting(
    *,
    sheet: Any = None,
    territory: Any = None,
    actor: Any = "staff",
    days: float = 7,
    **fields: Any,
) -> Any:
    starts = timezone.now() + datetime.timedelta(days=days)
    values: dict[str, Any] = {
        "kind": "public_meeting",
        "title": "Réunion publique du quartier",
        "starts": starts,
        "ends": starts + datetime.timedelta(hours=2),
        "place": "Salle des fêtes",
        "address": "1 place de la Mairie, 67000 Strasbourg",
    }
    values.update(fields)
    return meeting_create(
        actor=staff() if actor == "staff" else actor, sheet=sheet, territory=territory, **values
    )
