"""Writes of subscriptions, notification state and delivery settings: one atomic function
each, asking again who may (the pages and the API only collect the input)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import active

from .errors import SubscriptionConflict, SubscriptionForbidden, SubscriptionNotFound
from .inbox import clock_now, follow_news
from .models import (
    Entry,
    Frequency,
    Level,
    Notification,
    Recipient,
    Subscription,
    TargetType,
    Unfollow,
)
from .targets import followable

if TYPE_CHECKING:
    from accounts.models import User

MARK_READ_MAX_IDS = 500


def _signed_in(actor: Any) -> User:
    if not active(actor):
        raise SubscriptionForbidden(_("Connectez-vous pour suivre ce qui vous intéresse."))
    return actor


def _level(level: Any) -> str:
    if level not in Level.values:
        raise ValidationError(
            {"level": [_("Niveau inconnu : choisissez essentiel, standard ou tout.")]}
        )
    return str(level)


def _own(actor: Any, subscription: Subscription) -> Subscription:
    _signed_in(actor)
    locked = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if locked is None or locked.user_id != actor.pk:
        raise SubscriptionNotFound(_("Abonnement introuvable."))
    return locked


def recipient_for(user: Any) -> Recipient:
    """The person's delivery settings, created with the defaults the first time."""
    recipient, _created = Recipient.objects.get_or_create(user_id=user.pk)
    return recipient


@transaction.atomic
def subscription_follow(
    *, actor: Any, target_type: Any, target: Any, level: Any = Level.STANDARD, update: bool = False
) -> Subscription:
    """Follow an object the person may see. A second follow of the same object is refused
    (409) unless `update` (the pages' button, which sets the level instead)."""
    user = _signed_in(actor)
    kind = followable(target_type)
    if kind is None:
        raise ValidationError(
            {"target_type": [_("Type inconnu : fiche, débat, espace, territoire, thème ou élu·e.")]}
        )
    level = _level(level)
    obj = kind.find(user, target)
    if obj is None:
        raise SubscriptionNotFound(_("Rien à suivre à cette adresse."))
    target_id = kind.target_id(obj)
    # Counted under a lock on the account's row: two follows at once cannot pass the cap.
    get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk").first()
    cap = settings.FABRIQUE_SUBSCRIPTIONS_PER_ACCOUNT
    if (
        not Subscription.objects.filter(
            user=user, target_type=kind.type, target_id=target_id
        ).exists()
        and Subscription.objects.filter(user=user, auto=False).count() >= cap
    ):
        raise ValidationError(
            {
                "target": [
                    _(
                        "Vous suivez déjà %(n)d éléments, le maximum : arrêtez d'en suivre "
                        "un pour en suivre un autre."
                    )
                    % {"n": cap}
                ]
            }
        )
    Unfollow.objects.filter(user=user, target_type=kind.type, target_id=target_id).delete()
    existing = (
        Subscription.objects.select_for_update()
        .filter(user=user, target_type=kind.type, target_id=target_id)
        .first()
    )
    if existing is not None:
        if not update:
            raise SubscriptionConflict(_("Vous suivez déjà ceci."))
        existing.level, existing.auto = level, False
        existing.save(update_fields=["level", "auto"])
        return existing
    _recipient_ensure(user.pk)
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                user=user, target_type=kind.type, target_id=target_id, level=level
            )
    except IntegrityError as error:  # the same follow, twice at once
        raise SubscriptionConflict(_("Vous suivez déjà ceci.")) from error


@transaction.atomic
def subscription_set_level(*, actor: Any, subscription: Subscription, level: Any) -> Subscription:
    locked = _own(actor, subscription)
    locked.level = _level(level)
    locked.save(update_fields=["level"])
    return locked


@transaction.atomic
def subscription_unfollow(*, actor: Any, subscription: Subscription) -> None:
    """Stop following; the site will not follow it again on the person's behalf."""
    locked = _own(actor, subscription)
    Unfollow.objects.get_or_create(
        user_id=locked.user_id, target_type=locked.target_type, target_id=locked.target_id
    )
    locked.delete()


def subscriptions_auto(*, user_id: int, targets: Iterable[tuple[str, int]]) -> int:
    """Follow what the person just created, amended or commented (called in that event's
    transaction): never twice, never again after they stopped following it."""
    wanted = {(str(t), int(i)) for t, i in targets if i}
    if not user_id or not wanted:
        return 0
    gone = set(
        Unfollow.objects.filter(user_id=user_id, target_id__in=[i for _, i in wanted]).values_list(
            "target_type", "target_id"
        )
    )
    rows = [
        Subscription(user_id=user_id, target_type=t, target_id=i, level=Level.STANDARD, auto=True)
        for t, i in sorted(wanted - gone)
    ]
    if rows:
        _recipient_ensure(user_id)
    # ON CONFLICT DO NOTHING: an existing follow keeps its level, and no error breaks the
    # service's transaction.
    return len(Subscription.objects.bulk_create(rows, ignore_conflicts=True))


def _recipient_ensure(user_id: int) -> None:
    """A follower has delivery settings (the defaults), so that digests find them; an existing
    row is kept as it is."""
    Recipient.objects.bulk_create([Recipient(user_id=user_id)], ignore_conflicts=True)


# A person back after a long absence takes in at most this many of their followed news (the
# newest); the rest stay in the e-mails they had.
SYNC_MAX_ROWS = 2000


def notifications_sync(*, actor: Any) -> int:
    """Write the person's followed news since they last looked (`inbox`) as notification rows
    of their own, which they can then read and mark; returns how many. Called when they open
    their notifications (the page, the API); the bell counts without writing."""
    import datetime

    if not active(actor):
        return 0
    recipient = recipient_for(actor)
    top = clock_now()
    if recipient.synced_seq >= top:
        return 0
    since = timezone.now() - datetime.timedelta(days=settings.FABRIQUE_NOTIFICATION_RETENTION_DAYS)
    news = follow_news(
        actor, after=recipient.synced_seq, upto=top, since=since, limit=SYNC_MAX_ROWS
    )
    rows = [
        Notification(
            recipient_id=actor.pk,
            activity_id=n.activity_id,
            verb=n.verb,
            kind=Notification.Kind.FOLLOW,
            reason=n.reason,
            via=n.via[:160],
            scope=n.scope[:160],
            group_key=n.group_key,
            group_label=n.group_label,
            url=n.url,
            subject_type_id=n.subject_type_id,
            subject_id=n.subject_id,
            created=n.created,
            mail=Notification.Mail.NONE,
        )
        for n in news
    ]
    with transaction.atomic():
        # Unique per event and person: a second tab syncing at once adds nothing twice.
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        Recipient.objects.filter(pk=actor.pk, synced_seq__lt=top).update(synced_seq=top)
    return len(rows)


def notifications_mark_read(
    *, actor: Any, ids: Iterable[Any] | None = None, every: bool = False
) -> int:
    """Mark the person's notifications read: these ids (others' are ignored), or all (the
    news not yet taken in included)."""
    user = _signed_in(actor)
    if every:
        notifications_sync(actor=user)
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not every:
        wanted = []
        for value in list(ids or [])[: MARK_READ_MAX_IDS + 1]:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ValidationError({"ids": [_("Des numéros de notification sont attendus.")]})
            text = str(value).strip()
            if not text.isdigit() or len(text) > 18:
                raise ValidationError({"ids": [_("Des numéros de notification sont attendus.")]})
            wanted.append(int(text))
        if len(wanted) > MARK_READ_MAX_IDS:
            raise ValidationError(
                {"ids": [_("%(n)d notifications au plus à la fois.") % {"n": MARK_READ_MAX_IDS}]}
            )
        if not wanted:
            raise ValidationError({"ids": [_("Dites lesquelles (ids) ou toutes (all: true).")]})
        rows = rows.filter(pk__in=wanted)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def recipient_settings_set(
    *,
    actor: Any,
    frequency: Any = None,
    email_direct: Any = None,
    language: Any = None,
) -> Recipient:
    """The person's e-mail choices: how often the followed news come, whether what concerns
    them directly is e-mailed at once, and the e-mails' language."""
    user = _signed_in(actor)
    recipient = recipient_for(user)
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    fields = []
    if frequency is not None:
        if frequency not in Frequency.values:
            raise ValidationError(
                {"digest": [_("Fréquence inconnue : immédiat, quotidien, hebdomadaire ou jamais.")]}
            )
        recipient.frequency = frequency
        fields.append("frequency")
    if email_direct is not None:
        recipient.email_direct = bool(email_direct)
        fields.append("email_direct")
    if language is not None:
        if language not in dict(Recipient._meta.get_field("language").choices or ()):
            raise ValidationError({"language": [_("Langue inconnue.")]})
        recipient.language = language
        fields.append("language")
    if fields:
        recipient.save(update_fields=fields)
    return recipient


@transaction.atomic
def recipient_email_enable(*, actor: Any) -> Recipient:
    """The person says their address works again (after repeated delivery failures)."""
    user = _signed_in(actor)
    recipient = Recipient.objects.select_for_update().get(pk=recipient_for(user).pk)
    recipient.email_disabled_at = None
    recipient.email_disabled_reason = ""
    recipient.hard_failures = 0
    recipient.save(update_fields=["email_disabled_at", "email_disabled_reason", "hard_failures"])
    return recipient


@transaction.atomic
def unsubscribe_apply(*, user_id: int, target_type: str = "", target_id: int = 0) -> str:
    """What a signed unsubscribe link asks (no login): stop one subscription, or every e-mail.
    Returns what was done: "subscription", "all" or "" (already done, or the account is gone)."""
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(pk=user_id).exists():
        return ""
    recipient, _created = Recipient.objects.get_or_create(user_id=user_id)
    if target_type:
        gone, _rows = Subscription.objects.filter(
            user_id=user_id, target_type=target_type, target_id=target_id
        ).delete()
        Unfollow.objects.get_or_create(
            user_id=user_id, target_type=target_type, target_id=target_id
        )
        return "subscription" if gone else ""
    if recipient.frequency == Frequency.NEVER and not recipient.email_direct:
        return ""
    recipient.frequency, recipient.email_direct = Frequency.NEVER, False
    recipient.save(update_fields=["frequency", "email_direct"])
    return "all"


def notifications_purge(*, now: Any = None) -> int:
    """Forget notifications older than FABRIQUE_NOTIFICATION_RETENTION_DAYS (GDPR: kept only
    as long as useful) and the digests' bookkeeping with them. Returns how many went."""
    import datetime

    from django.conf import settings

    from .models import Digest

    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.FABRIQUE_NOTIFICATION_RETENTION_DAYS
    )
    gone, _rows = Notification.objects.filter(created__lt=cutoff).delete()
    Digest.objects.filter(created__lt=cutoff).delete()
    Entry.objects.filter(created__lt=cutoff).delete()
    return gone


__all__ = [
    "TargetType",
    "notifications_mark_read",
    "notifications_purge",
    "notifications_sync",
    "recipient_email_enable",
    "recipient_for",
    "recipient_settings_set",
    "subscription_follow",
    "subscription_set_level",
    "subscription_unfollow",
    "subscriptions_auto",
    "unsubscribe_apply",
]
