"""Reading notifications and subscriptions: always the reader's own, labelled in the reader's
language, and filtered by what the reader may see now."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from events.registry import verb_label
from policies import active

from .inbox import News, clock_now, follow_news, visible_subjects
from .models import Clock, Notification, Recipient, Subscription
from .rules import LABELS, REASONS
from .targets import FOLLOWABLE, followable, target_label, target_of, target_url

# The bell counts the news not yet taken into the centre up to this many rows read.
UNREAD_PEEK = 100


def unread_count(user: Any) -> int:
    """Unread notifications, and the followed news since the person last opened their
    notifications (read from the entries, without writing anything)."""
    if not active(user):
        return 0
    # One query when nothing new happened: the unread rows and both watermarks together (every
    # person with a notification or a follow has a settings row).
    unread_rows = (
        Notification.objects.filter(recipient_id=OuterRef("user_id"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    row = (
        Recipient.objects.filter(user_id=user.pk)
        .annotate(
            top=Subquery(Clock.objects.filter(pk=1).values("value")[:1]),
            unread=Subquery(unread_rows),
        )
        .values_list("synced_seq", "top", "unread")
        .first()
    )
    if row is None:
        return 0
    synced, top, count = row[0], row[1] or 0, row[2] or 0
    if top > synced:
        since = timezone.now() - datetime.timedelta(
            days=settings.FABRIQUE_NOTIFICATION_RETENTION_DAYS
        )
        count += len(follow_news(user, after=synced, upto=top, since=since, limit=UNREAD_PEEK))
    return count


def news_not_taken_in(user: Any, *, limit: int | None = None) -> list[News]:
    """The person's followed news since they last opened their notifications (read from the
    entries: nothing is written)."""
    synced = Recipient.objects.filter(user_id=user.pk).values_list("synced_seq", flat=True).first()
    top = clock_now()
    synced = synced or 0  # no settings yet: nothing taken in
    if top <= synced:
        return []
    since = timezone.now() - datetime.timedelta(days=settings.FABRIQUE_NOTIFICATION_RETENTION_DAYS)
    return follow_news(user, after=synced, upto=top, since=since, limit=limit)


def notification_list(user: Any, *, unread: bool = False) -> QuerySet[Notification]:
    if not active(user):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).select_related("activity__actor")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created", "-id")


def notification_label(notification: Notification) -> str:
    """ "Camille a proposé un amendement", or what is said to the person concerned."""
    if getattr(notification, "withdrawn", False):
        return str(_("Ceci n'est plus accessible"))
    own = LABELS.get((notification.verb, notification.reason)) or (
        LABELS.get((notification.verb, "")) if notification.kind == "follow" else None
    )
    if own is not None:
        return str(own)
    actor = notification.activity.actor
    who = str(actor) if actor is not None else _("Fabrique")
    return f"{who} {verb_label(notification.verb)}"


def notification_why(notification: Notification) -> str:
    """Why the person was told: "Vous suivez « Neudorf » — concerne toute la commune de
    Strasbourg", "on a répondu à votre message"…"""
    if notification.kind == Notification.Kind.DIRECT:
        return str(REASONS.get(notification.reason, ""))
    if notification.scope:
        return _("Vous suivez « %(via)s » ; ceci concerne tout le territoire « %(scope)s ».") % {
            "via": notification.via,
            "scope": notification.scope,
        }
    return _("Vous suivez ceci.")


def still_visible(user: Any, notifications: Iterable[Notification]) -> set[int]:
    """The ids of those notifications whose subject `user` may still see (checked at
    delivery: an object made private after the notification was written drops out), with
    one query per kind of subject."""
    items = list(notifications)
    seen = visible_subjects(
        user,
        {
            (n.subject_type_id, n.subject_id)
            for n in items
            if n.subject_type_id is not None and n.subject_id is not None
        },
    )
    return {
        n.pk
        for n in items
        if n.subject_type_id is None or (n.subject_type_id, n.subject_id) in seen
    }


def mask_withdrawn(user: Any, notifications: list[Notification]) -> list[Notification]:
    """The notifications of a page, those whose subject the reader may no longer see (a sheet
    made private since) kept in the list but stripped of what named it: no title, no link, no
    actor (in memory only: the rows are unchanged)."""
    visible = still_visible(user, notifications)
    for n in notifications:
        if n.pk not in visible:
            n.group_label = str(_("(plus accessible)"))
            n.url = ""
            setattr(n, "withdrawn", True)  # noqa: B010 - a display mark, not a field
    return notifications


@dataclass(frozen=True)
class Followed:
    subscription: Subscription
    label: str
    url: str
    type_label: str


def subscription_list(user: Any) -> list[Followed]:
    """The person's subscriptions with what they follow, named and linked; an object they
    may no longer see is named only as "no longer accessible" (it still can be unfollowed)."""
    if not active(user):
        return []
    subscriptions = list(Subscription.objects.filter(user=user).order_by("target_type", "-id"))
    by_type: dict[str, list[int]] = defaultdict(list)
    for s in subscriptions:
        by_type[s.target_type].append(s.target_id)
    found: dict[tuple[str, int], Model] = {}
    for target_type, ids in by_type.items():
        kind = FOLLOWABLE.get(target_type)
        if kind is not None:
            for target_id, obj in kind.visible(user, ids).items():
                found[(target_type, target_id)] = obj
    out = []
    for s in subscriptions:
        seen = found.get((s.target_type, s.target_id))
        out.append(
            Followed(
                subscription=s,
                label=target_label(seen) if seen is not None else _("(plus accessible)"),
                url=target_url(seen) if seen is not None else "",
                type_label=str(s.get_target_type_display()),
            )
        )
    return out


def subscription_of(user: Any, obj: Model) -> Subscription | None:
    """The person's follow of `obj`, for the "Suivre" button."""
    target = target_of(obj)
    if target is None or not active(user):
        return None
    return Subscription.objects.filter(
        user=user, target_type=target[0], target_id=target[1]
    ).first()


def notification_find(user: Any, pk: Any) -> Notification | None:
    text = str(pk)
    if not active(user) or not text.isdigit() or len(text) > 18:
        return None
    return Notification.objects.filter(recipient=user, pk=int(text)).first()


def subscription_find(user: Any, pk: Any) -> Subscription | None:
    text = str(pk)
    if not active(user) or not text.isdigit() or len(text) > 18:
        return None
    return Subscription.objects.filter(user=user, pk=int(text)).first()


def followable_object(user: Any, target_type: str, key: Any) -> Model | None:
    kind = followable(target_type)
    return kind.find(user, key) if kind is not None else None


def personal_data(user: Any) -> dict[str, Any]:
    """What notifications hold about this person (right of access): settings, follows,
    notifications (with their words as the person reads them)."""
    recipient = Recipient.objects.filter(user_id=user.pk).first()

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "settings": {
            "digest": recipient.frequency if recipient else "daily",
            "email_direct": recipient.email_direct if recipient else True,
            "language": recipient.language if recipient else "fr",
            "hard_failures": recipient.hard_failures if recipient else 0,
            "email_disabled_at": when(recipient.email_disabled_at) if recipient else None,
        },
        "subscriptions": [
            {
                "type": f.subscription.target_type,
                "target": f.subscription.target_id,
                "label": f.label,
                "level": f.subscription.level,
                "automatic": f.subscription.auto,
                "created": when(f.subscription.created),
            }
            for f in subscription_list(user)
        ],
        "notifications": [
            {
                "label": notification_label(n),
                "object": n.group_label,
                "url": n.url,
                "created": when(n.created),
                "read": when(n.read_at),
            }
            for n in notification_list(user).order_by("created", "id")
        ]
        # The followed news not yet opened are part of what the site would tell them.
        + [
            {
                "label": notification_label(
                    Notification(
                        verb=n.verb, reason=n.reason, kind="follow", activity_id=n.activity_id
                    )
                ),
                "object": n.group_label,
                "url": n.url,
                "created": when(n.created),
                "read": None,
            }
            for n in reversed(news_not_taken_in(user))
        ],
    }


def content_type_of(model: type[Model]) -> ContentType:
    return ContentType.objects.get_for_model(model)
