"""Public meetings and neighbourhood workshops of a sheet (or of a territory), their
registrations (signed-in or by e-mail, with a waiting list) and their restitution."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
MINUTES_MAX = 50_000
# An e-mail registration may be confirmed this long; it holds no seat meanwhile (pending), and
# is then cancelled by the periodic job.
UNCONFIRMED_HOLD = datetime.timedelta(hours=48)
# Registrants' names and e-mails are erased this long after the meeting (docs/meetings.md).
PERSONAL_DATA_KEPT = datetime.timedelta(days=30)


def https_only(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("Le lien en ligne doit commencer par https://."))


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_MEETING = "public_meeting", _("Réunion publique")
        WORKSHOP = "workshop", _("Atelier de quartier")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévue")
        CANCELLED = "cancelled", _("Annulée")
        HELD = "held", _("Tenue")

    sheet = models.ForeignKey(
        "projects.ProjectSheet",
        verbose_name=_("fiche"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX)
    starts = models.DateTimeField(_("début"))
    ends = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    step_free = models.BooleanField(_("accès de plain-pied"), default=False)
    hearing_loop = models.BooleanField(_("boucle magnétique"), default=False)
    sign_language = models.BooleanField(
        _("interprétation en langue des signes sur demande"), default=False
    )
    accessible_toilets = models.BooleanField(_("toilettes accessibles"), default=False)
    accessibility_notes = models.CharField(
        _("accessibilité : précisions"), max_length=1000, blank=True
    )
    online_url = models.URLField(
        _("lien pour suivre en ligne"), blank=True, max_length=500, validators=[https_only]
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # The restitution, published on the sheet once the meeting is held.
    minutes = models.TextField(_("compte rendu (Markdown)"), blank=True, max_length=MINUTES_MAX)
    attendance = models.PositiveIntegerField(_("personnes présentes"), null=True, blank=True)
    presentation = models.TextField(_("présentation"), blank=True, max_length=DESCRIPTION_MAX)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="meetings"
    )
    restitution_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts", "pk"]
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        indexes = [models.Index(fields=["starts"], name="meeting_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["public_meeting", "workshop"]), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["scheduled", "cancelled", "held"]),
                name="meeting_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(sheet__isnull=False) | Q(territory__isnull=False),
                name="meeting_has_sheet_or_territory",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("La fin doit suivre le début.")})
        if self.sheet_id is None and self.territory_id is None:
            raise ValidationError(_("Une réunion concerne une fiche ou un territoire."))

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def workspace(self) -> Any:
        return self.sheet.workspace if self.sheet_id else None

    @property
    def is_past(self) -> bool:
        return self.ends <= timezone.now()

    def accessibility(self) -> dict[str, Any]:
        return {
            "step_free": self.step_free,
            "hearing_loop": self.hearing_loop,
            "sign_language": self.sign_language,
            "accessible_toilets": self.accessible_toilets,
            "notes": self.accessibility_notes,
        }


class Registration(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Inscrit·e")
        WAITING = "waiting", _("En liste d'attente")
        # Without an account, until the e-mail link is followed: no seat, no place in the queue.
        PENDING = "pending", _("À confirmer")
        CANCELLED = "cancelled", _("Annulée")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_registrations",
    )
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse électronique"), max_length=254)
    state = models.CharField(_("état"), max_length=12, choices=State.choices)
    created = models.DateTimeField(default=timezone.now)
    # Signed-in registrations are confirmed at once; e-mail ones when the link is followed, and
    # only then take a seat or a place on the waiting list (in the order of this time).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["registered", "waiting", "pending", "cancelled"]),
                name="registration_state_valid",
            ),
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=~Q(state="cancelled"),
                name="registration_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(state="cancelled") & Q(user__isnull=False),
                name="registration_one_per_user",
            ),
        ]

    def __str__(self) -> str:
        # No personal data: the activity log copies this.
        return f"inscription {self.pk}"


def seat_holders_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    """Registrations holding a seat: registered, hence confirmed (a pending registration, made
    without an account and not yet confirmed, holds none). `now` is kept for the callers."""
    return Q(**{f"{prefix}state": "registered"})
