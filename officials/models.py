"""Officials (a verified profile beside an account whose platform role is "official"), their
mandates, and the requests citizens write to them, with a working-day clock.

A request's due moment is the end of the official's committed number of working days after its
sending (`deadlines`: the Alsace-Moselle calendar). A clarification stops the clock (`paused_at`)
until the sender replies; the due moment then moves by the working days of the pause. A
redirection hands the request to another official and keeps the due moment. "Very overdue" is
twice the delay: `very_due_at` moves with `due_at`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

SUBJECT_MAX_CHARS = 200
BODY_MAX_CHARS = 5000
ANSWER_MAX_CHARS = 10_000
NOTE_MAX_CHARS = 2000
COMMITMENT_MAX_DAYS = 60
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class OfficialProfile(models.Model):
    """What the directory shows of an official; set by staff (verified, never self-declared)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_profile"
    )
    presentation = models.TextField(_("présentation"), max_length=2000, blank=True)
    commitment_days = models.PositiveSmallIntegerField(
        _("délai de réponse promis (jours ouvrés)"), default=15
    )
    themes = models.ManyToManyField(
        "territories.Theme", blank=True, related_name="officials", verbose_name=_("délégations")
    )
    territories = models.ManyToManyField(
        "territories.Territory",
        blank=True,
        related_name="officials",
        verbose_name=_("territoires"),
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="delegations",
        verbose_name=_("répondent en son nom"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # An optional photo, stored under a random key (the documents' storage), served by our view.
    photo_key = models.CharField(max_length=120, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["user__display_name", "id"]
        verbose_name = _("profil d'élu·e")
        verbose_name_plural = _("profils d'élu·es")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    commitment_days__gte=1, commitment_days__lte=COMMITMENT_MAX_DAYS
                ),
                name="official_commitment_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("officials:detail", args=[self.user_id])


class Mandate(models.Model):
    """A mandate as the directory states it: "adjointe au maire chargée des mobilités"."""

    official = models.ForeignKey(OfficialProfile, on_delete=models.CASCADE, related_name="mandates")
    title = models.CharField(_("mandat"), max_length=200)
    commune = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune (vide : l'Eurométropole)"),
    )
    starts = models.DateField(_("début"))
    ends = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        ordering = ["-starts", "id"]
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True) | models.Q(ends__gte=models.F("starts")),
                name="mandate_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Request(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("reçue")
        CLARIFICATION_REQUESTED = "clarification_requested", _("précision demandée")
        REDIRECTED = "redirected", _("transmise")
        ANSWERED = "answered", _("répondue")
        CLOSED_INADMISSIBLE = "closed_inadmissible", _("close, irrecevable")

    class Inadmissible(models.TextChoices):
        INSULTS = "insults", _("propos injurieux")
        OUT_OF_MANDATE = "out_of_mandate", _("hors du mandat")
        DUPLICATE = "duplicate", _("doublon d'une demande déjà faite")

    class Publication(models.TextChoices):
        """A public request's question is read by a moderator before it is published."""

        PRIVATE = "private", _("privée")
        PENDING = "pending", _("en attente de relecture")
        APPROVED = "approved", _("publiée")
        REFUSED = "refused", _("non publiée")

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="official_requests",
    )
    official = models.ForeignKey(OfficialProfile, on_delete=models.PROTECT, related_name="requests")
    first_official = models.ForeignKey(OfficialProfile, on_delete=models.PROTECT, related_name="+")
    sheet = models.ForeignKey(
        "projects.ProjectSheet",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official_requests",
    )
    subject = models.CharField(_("objet"), max_length=SUBJECT_MAX_CHARS)
    body = models.TextField(_("message"), max_length=BODY_MAX_CHARS)
    public = models.BooleanField(_("publique"), default=False)
    publication = models.CharField(
        max_length=10, choices=Publication.choices, default=Publication.PRIVATE
    )
    state = FSMField(default=State.ACKNOWLEDGED, choices=State.choices, protected=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    # The official's commitment when it was sent, in working days, and the due moment then
    # (before any pause): the reminders and the time to answer are counted from them.
    delay_days = models.PositiveSmallIntegerField()
    first_due_at = models.DateTimeField()
    due_at = models.DateTimeField()
    very_due_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    answer_text = models.TextField(_("réponse"), max_length=ANSWER_MAX_CHARS, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Working days from the sending to the answer, pauses left out (for the median).
    answer_days = models.PositiveIntegerField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)
    # A moderator's judgement that the answer says nothing of the question: not counted.
    boilerplate = models.BooleanField(default=False)
    inadmissible_reason = models.CharField(max_length=20, choices=Inadmissible.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The share of the delay already announced to the official (0, 50, 80, 100).
    reminded = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("demande à un·e élu·e")
        verbose_name_plural = _("demandes aux élu·es")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=[
                        "acknowledged",
                        "clarification_requested",
                        "redirected",
                        "answered",
                        "closed_inadmissible",
                    ]
                ),
                name="request_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(public=True, publication__in=["pending", "approved", "refused"])
                | models.Q(public=False, publication="private"),
                name="request_publication_matches_public",
            ),
        ]
        indexes = [
            # The inbox: requests still to answer, by due date. (No partial index: SQLite uses one
            # only when the query names its condition's values literally, and Django binds them.)
            models.Index(fields=["official", "state", "due_at"], name="request_inbox_idx"),
            # The statistics read only this index (a covering index: no row is fetched).
            models.Index(
                fields=[
                    "official",
                    "created",
                    "state",
                    "due_at",
                    "very_due_at",
                    "paused_at",
                    "on_time",
                    "boilerplate",
                    "answer_days",
                ],
                name="request_stats_idx",
            ),
            models.Index(fields=["sender", "-created"], name="request_sender_idx"),
            # An official's published answers, newest first ("approved" implies public: the
            # constraint below; SQLite cannot seek on a boolean column written `"public"`).
            models.Index(
                fields=["official", "state", "publication", "-answered_at", "-id"],
                name="request_published_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("officials:request", args=[self.reference])


class RequestEntry(models.Model):
    """One line of a request's own history, as its parties read it: sent, a question and the
    reply, a redirection with its note, the answer, the closing, the reminders."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=30)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}"


class RequestNotice(models.Model):
    """What an official or a delegate is told in the site (a request received, a reminder at
    50 % and 80 % of the delay and at the due date), and what a sender is told (an answer, a
    question). E-mail comes with the notifications."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("nouvelle demande")
        REMINDER_50 = "reminder_50", _("la moitié du délai est passée")
        REMINDER_80 = "reminder_80", _("80 % du délai est passé")
        DUE = "due", _("la demande arrive à échéance")
        ANSWERED = "answered", _("réponse reçue")
        CLARIFICATION = "clarification", _("précision demandée")
        REPLIED = "replied", _("précision apportée")
        REDIRECTED = "redirected", _("demande transmise")
        CLOSED = "closed", _("demande close")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_notices"
    )
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "-created"], name="reqnotice_recipient_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "request", "kind"],
                condition=models.Q(kind__in=["reminder_50", "reminder_80", "due"]),
                name="reqnotice_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}"
