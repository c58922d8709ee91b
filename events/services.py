"""`event_record`: the one way a service says that something happened."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model

from .models import Activity
from .registry import Event, subscriber_list, verb_get


def _workspace_of(target: Model | None) -> Any:
    # Every workspace-bound object (a workspace included) answers `.workspace`.
    return getattr(target, "workspace", None) if target is not None else None


def event_record(
    *,
    actor: Any,
    verb: str,
    target: Model | None,
    workspace: Any = None,
    data: dict | None = None,
    private: bool = False,
) -> Activity:
    """Append one entry, then let every subscriber react, all in the caller's transaction.

    Called by services inside their own transaction: the entry and whatever the subscribers
    write (search's outbox rows…) commit or roll back with the change itself. A subscriber
    that fails fails the service, rather than leaving a change nobody reacted to.
    """
    declared = verb_get(verb)  # before any write: a refusal leaves the transaction usable
    # No savepoint: nested in the service's transaction, it costs no query of its own.
    with transaction.atomic(savepoint=False):
        if workspace is None:
            workspace = _workspace_of(target)
        activity = Activity(
            workspace=workspace,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            verb=verb,
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,
            target_id=target.pk if target is not None else None,
            target_repr=str(target)[:255] if target is not None else "",
            data=data or {},
            private=private or declared.private,
        )
        activity.save()
        event = Event(
            activity=activity,
            verb=declared,
            actor=actor,
            target=target,
            workspace=workspace,
            data=activity.data,
        )
        for subscriber in subscriber_list():
            subscriber(event)
        return activity


def activity_target_relabel(*, target: Model, label: str) -> int:
    """Rewrite the name under which past entries recorded `target` (each kept the target's name
    of the day): an account its holder deleted must not live on in the log under its old name.
    Returns the number of entries rewritten."""
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).update(target_repr=label[:255])
