"""Subscriptions, notifications and each person's delivery settings.

An event recorded by any service leaves a `FanOut` row in its own transaction. The worker turns
it into:

- `Notification` rows for the few it concerns directly (a reply, a decision, a request…), told
  at once (unique per event and person);
- `Entry` rows for its followers: one per followed object the event belongs to (the sheet, its
  workspace, its territories, its themes), never one per follower. A follower's news are read
  from the entries of what they follow (`inbox`), at the moment they are shown or e-mailed, and
  written as `Notification` rows only when the person opens their notifications.

Entries are numbered by `Clock` in the order their transactions commit, so that a watermark (the
last entry number a person's digest covered, the last one their centre took in) never skips
one that commits late.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """How much of what happens to a followed object one is told, each level including the
    one before it."""

    ESSENTIAL = "essential", _("essentiel")
    STANDARD = "standard", _("standard")
    ALL = "all", _("tout")


LEVEL_RANK = {Level.ESSENTIAL: 0, Level.STANDARD: 1, Level.ALL: 2}


class TargetType(models.TextChoices):
    SHEET = "sheet", _("fiche")
    DEBATE = "debate", _("débat")
    WORKSPACE = "workspace", _("espace")
    TERRITORY = "territory", _("territoire")
    THEME = "theme", _("thème")
    OFFICIAL = "official", _("élu·e")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("immédiat")
    DAILY = "daily", _("quotidien")
    WEEKLY = "weekly", _("hebdomadaire")
    NEVER = "never", _("jamais")


class Subscription(models.Model):
    """One person follows one object at one level. `auto` marks a follow the site made when
    the person created, amended or commented (shown as such, with its "ne plus suivre")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    target_type = models.CharField(_("type"), max_length=16, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    level = models.CharField(
        _("niveau"), max_length=16, choices=Level.choices, default=Level.STANDARD
    )
    auto = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="subscription_once"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=["essential", "standard", "all"]),
                name="subscription_level_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="subscription_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.target_type}:{self.target_id} ({self.level})"


class Unfollow(models.Model):
    """A follow the person ended: the site does not follow that object again on their behalf
    (a new comment there does not re-subscribe them); following it by hand clears this."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=16, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="unfollow_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✗ {self.target_type}:{self.target_id}"


class Recipient(models.Model):
    """One person's delivery settings and state: created with their first notification or
    when they set their preferences."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    frequency = models.CharField(
        _("fréquence des courriels"),
        max_length=16,
        choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    # What concerns the person directly (replies, decisions, requests, moderation, security)
    # is e-mailed at once unless they turn it off here; it is always in the site.
    email_direct = models.BooleanField(_("courriel immédiat pour ce qui me concerne"), default=True)
    language = models.CharField(
        _("langue des courriels"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    # Hard delivery failures in a row; at FABRIQUE_EMAIL_HARD_FAILURES e-mail stops until the
    # person confirms their address again (shown on their settings page).
    hard_failures = models.PositiveSmallIntegerField(default=0)
    email_disabled_at = models.DateTimeField(null=True, blank=True)
    email_disabled_reason = models.CharField(max_length=200, blank=True)
    # The watermarks: the last digest slot handled and the last entry number e-mailed (by a
    # digest or, for "immédiat", a sweep); the last entry number taken into the centre.
    digest_slot = models.DateTimeField(null=True, blank=True)
    digest_seq = models.PositiveBigIntegerField(default=0)
    synced_seq = models.PositiveBigIntegerField(default=0)
    # A digest runner's claim on this person (two runners never send the same digest).
    claim_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("réglages de notification")
        verbose_name_plural = _("réglages de notification")
        indexes = [
            models.Index(fields=["frequency", "digest_slot"], name="recipient_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=["immediate", "daily", "weekly", "never"]),
                name="recipient_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"

    @property
    def email_enabled(self) -> bool:
        return self.email_disabled_at is None


class FanOut(models.Model):
    """An event still to turn into notifications: written in the event's transaction, removed
    by the worker once its notifications exist (a crash in between only repeats the fan-out,
    which the uniqueness of notifications makes harmless)."""

    activity = models.OneToOneField(
        "events.Activity", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    created = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"fan-out of {self.activity_id}"


class Digest(models.Model):
    """One e-mail that gathered notifications: `sending` while it goes out, then `sent`."""

    class State(models.TextChoices):
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        EMPTY = "empty", _("rien à envoyer")

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="digests")
    slot = models.DateTimeField()
    # The entries it covers: numbers above `seq_from`, up to `seq_to` (a digest left "sending"
    # by a crash is sent again with the same range).
    seq_from = models.PositiveBigIntegerField(default=0)
    seq_to = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.SENDING)
    items = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "slot"], name="digest_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} @ {self.slot:%Y-%m-%d %H:%M} ({self.state})"


class Notification(models.Model):
    """Something a person is told, in the site and (by class and settings) by e-mail."""

    class Kind(models.TextChoices):
        # Concerns the person directly: in the site and e-mailed at once.
        DIRECT = "direct", _("vous concerne directement")
        # From a subscription: in the site, and e-mailed at the person's frequency.
        FOLLOW = "follow", _("abonnement")

    class Mail(models.TextChoices):
        NONE = "none", _("pas de courriel")
        PENDING = "pending", _("à envoyer")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    activity = models.ForeignKey("events.Activity", on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Why this person: "reply", "decision", "request", "moderation", "security", "member",
    # or the followed object ("territory:12") for a subscription.
    reason = models.CharField(max_length=40)
    # When the subject concerns a wider territory than the one followed: the followed one
    # (`via`, "Neudorf") and the wider one (`scope`, "Strasbourg"), shown as such.
    via = models.CharField(max_length=160, blank=True)
    scope = models.CharField(max_length=160, blank=True)
    # The object the notification is grouped under (a sheet, a debate…) and its name then.
    group_key = models.CharField(max_length=40)
    group_label = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    # What the person must still be allowed to see when the notification is delivered.
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # When the event happened (a followed event's row is written when the person opens their
    # notifications, later).
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=8, choices=Mail.choices, default=Mail.NONE)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["activity", "recipient"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created", "-id"], name="notification_newest_idx"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["mail", "mail_next_at"], name="notification_mail_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.verb} ({self.group_key})"


class Clock(models.Model):
    """One row: the number of the last published entries. Taken with a row lock in the
    fan-out's transaction, it numbers events in the order they commit (a reader who saw
    number n has seen every entry up to n)."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class Entry(models.Model):
    """What one event tells the followers of one object it belongs to: written once per
    followed object, read by every follower of that object (`inbox`)."""

    activity = models.ForeignKey("events.Activity", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField()
    # The followed object: "sheet", 12…
    target_type = models.CharField(max_length=16, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    # The wider territory the subject concerns, when the followed territory is inside it.
    scope = models.CharField(max_length=160, blank=True)
    # The lowest level that hears it (LEVEL_RANK).
    rank = models.PositiveSmallIntegerField()
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=64)
    group_key = models.CharField(max_length=40)
    group_label = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "target_type", "target_id"], name="entry_once"
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id", "seq"], name="entry_target_idx"),
            models.Index(fields=["seq"], name="entry_seq_idx"),
            models.Index(fields=["created"], name="entry_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq}: {self.verb} → {self.target_type}:{self.target_id}"
