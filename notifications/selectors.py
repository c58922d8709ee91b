"""Reading notifications and subscriptions: always the reader's own, labelled in the reader's
language, and filtered by what the reader may see now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from events.registry import verb_label
from policies import POLICIES, active

from .models import Notification, Recipient, Subscription
from .rules import LABELS, REASONS
from .targets import FOLLOWABLE, followable, target_label, target_of, target_url


def unread_count(user: Any) -> int:
    if not active(user):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(user: Any, *, unread: bool = False) -> QuerySet[Notification]:
    if not active(user):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).select_related("activity__actor")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def notification_label(notification: Notification) -> str:
    """ "Camille a proposé un amendement", or what is said to the person concerned."""
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
    by_type: dict[int, list[Notification]] = defaultdict(list)
    ok: set[int] = set()
    for n in notifications:
        if n.subject_type_id is None:
            ok.add(n.pk)
        else:
            by_type[n.subject_type_id].append(n)
    for type_id, items in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        policy = POLICIES.get(model) if model is not None else None
        if model is None:
            continue
        qs = model._default_manager.filter(pk__in={n.subject_id for n in items})
        if policy is not None:
            qs = qs.filter(policy.visible_q(user))
        seen = set(qs.values_list("pk", flat=True))
        ok.update(n.pk for n in items if n.subject_id in seen)
    return ok


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
            for n in notification_list(user).order_by("id")
        ],
    }


def content_type_of(model: type[Model]) -> ContentType:
    return ContentType.objects.get_for_model(model)
