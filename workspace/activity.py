"""Writing and reading the append-only activity log that every app's services feed."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import Activity, Workspace
from .permissions import workspace_of


def activity_record(
    *,
    actor: Any,
    verb: str,
    target: Model | None = None,
    workspace: Workspace | None = None,
    data: dict | None = None,
) -> Activity:
    """Append one entry; called by services inside their transaction so it commits with them."""
    if workspace is None and target is not None:
        workspace = workspace_of(target)
    activity = Activity(
        workspace=workspace,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
    )
    activity.save()
    return activity


def activity_list_for_target(*, target: Model) -> QuerySet[Activity]:
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor")


def activity_list_for_workspace(*, workspace: Workspace) -> QuerySet[Activity]:
    return Activity.objects.filter(workspace=workspace).select_related("actor")
