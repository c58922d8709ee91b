"""Debates and comments, written through their services (as users write them)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import PlatformRole
from debates.services import comment_create, debate_create

from ..factories import UserFactory, WorkspaceFactory


def seasoned(**fields):
    """An account older than the reporters' minimum age."""
    user = UserFactory(**fields)
    type(user).objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=30)
    )
    user.refresh_from_db()
    return user


def moderator(**fields):
    return seasoned(platform_role=PlatformRole.MODERATOR, **fields)


def debate(*, author=None, sheet=None, workspace=None, territory=None, themes=(), **fields):
    """A debate; with nothing to attach it to, a public one about a fresh workspace's… no: a
    territory-less public debate needs a theme, so one is taken from the migrated themes."""
    from territories.models import Theme

    author = author or UserFactory()
    if sheet is None and workspace is None and territory is None and not themes:
        themes = [Theme.objects.order_by("pk").first()]
    return debate_create(
        actor=author,
        title=fields.pop("title", "Quel stationnement pour les vélos ?"),
        body=fields.pop("body", "Donnez votre avis."),
        sheet=sheet,
        workspace=workspace,
        territory=territory,
        themes=themes,
        **fields,
    )


def comment(debate_, *, author=None, body="Je suis pour.", **fields):
    return comment_create(actor=author or UserFactory(), debate=debate_, body=body, **fields)


__all__ = ["WorkspaceFactory", "comment", "debate", "moderator", "seasoned"]
