"""Reading the activity log: per object, per workspace, for several objects; drafts left out."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import Activity
from .registry import verb_label


def activity_label(verb: str) -> str:
    return verb_label(verb)


def activity_list_for_target(*, target: Model) -> QuerySet[Activity]:
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        private=False,
    ).select_related("actor")


def activity_list_for_workspace(*, workspace: Any) -> QuerySet[Activity]:
    """The workspace's log as its members read it (drafts left out), with what each entry is about."""
    return Activity.objects.filter(workspace=workspace, private=False).select_related(
        "actor", "target_type"
    )


def activity_list_for_targets(
    *, targets: list[Model], verbs: tuple[str, ...]
) -> QuerySet[Activity]:
    """Public entries with these verbs about any of these objects (all of one model), newest
    first."""
    if not targets:
        return Activity.objects.none()
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(targets[0]),
        target_id__in=[t.pk for t in targets],
        verb__in=verbs,
        private=False,
    ).select_related("actor")
