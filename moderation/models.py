"""Moderation of comments: reports, one case per comment, decisions and appeals, the charter.

Every step a case takes is an append-only `ModerationAction` (who, what, why, under which
article, from which state to which), from which the public monthly register is counted. The
reporters' identities and the hidden text never leave these tables through a public page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

REPORT_DETAILS_MAX_CHARS = 1000
REASON_MAX_CHARS = 1000
APPEAL_MAX_CHARS = 2000


class CharterVersion(models.Model):
    """The moderation charter, versioned: a decision cites an article of the version in force."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    introduction = models.TextField(_("introduction"), blank=True)
    # [{"number": "1", "title": "...", "text": "..."}], in order.
    articles = models.JSONField(_("articles"), default=list)
    change_note = models.CharField(_("ce qui a changé"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("en vigueur depuis"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")

    def __str__(self) -> str:
        return str(_("Charte, version %(n)s")) % {"n": self.number}

    def article(self, number: str) -> dict[str, Any] | None:
        return next((a for a in self.articles if str(a.get("number")) == str(number)), None)

    def clean(self) -> None:
        numbers = [str(a.get("number", "")) for a in self.articles if isinstance(a, dict)]
        if len(numbers) != len(self.articles) or not all(numbers):
            raise ValidationError({"articles": _("Chaque article a un numéro.")})
        if len(set(numbers)) != len(numbers):
            raise ValidationError({"articles": _("Deux articles portent le même numéro.")})


class ReportReason(models.TextChoices):
    SPAM = "spam", _("publicité ou message répété")
    ABUSE = "abuse", _("insulte, harcèlement ou propos haineux")
    OFF_TOPIC = "off_topic", _("hors sujet")
    PERSONAL_DATA = "personal_data", _("données personnelles d'autrui")
    ILLEGAL = "illegal", _("contenu illégal")
    OTHER = "other", _("autre raison")


class ModerationCase(ConcurrentTransitionMixin, models.Model):
    """One per comment, opened by its first report."""

    class State(models.TextChoices):
        PENDING = "pending", _("à examiner")
        HIDDEN = "hidden", _("masqué")
        DISMISSED = "dismissed", _("signalement écarté")
        APPEALED = "appealed", _("recours en cours")
        UPHELD = "upheld", _("masquage confirmé")
        REVERSED = "reversed", _("rétabli")

    comment = models.OneToOneField(
        "debates.Comment", on_delete=models.CASCADE, related_name="moderation_case"
    )
    state = FSMField(default=State.PENDING, choices=State.choices, protected=True, db_index=True)
    # Opened (or reopened by a new report after a dismissal): the clock of the decision.
    opened_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField()
    # Hidden "pending review" by the reports' threshold (no decision yet).
    auto_hidden_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=REASON_MAX_CHARS, blank=True)
    decision_rule = models.CharField(max_length=20, blank=True)
    charter_version = models.ForeignKey(
        CharterVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_text = models.TextField(max_length=APPEAL_MAX_CHARS, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_reason = models.CharField(max_length=REASON_MAX_CHARS, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        verbose_name = _("cas de modération")
        verbose_name_plural = _("cas de modération")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["pending", "hidden", "dismissed", "appealed", "upheld", "reversed"]
                ),
                name="moderationcase_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Cas de modération n° %(id)s")) % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in {self.State.PENDING, self.State.APPEALED}


class Report(models.Model):
    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey("debates.Comment", on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    details = models.TextField(max_length=REPORT_DETAILS_MAX_CHARS, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_account"),
            models.CheckConstraint(
                condition=models.Q(
                    reason__in=["spam", "abuse", "off_topic", "personal_data", "illegal", "other"]
                ),
                name="report_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Signalement n° %(id)s")) % {"id": self.pk}


class ModerationAction(models.Model):
    """Append-only: one row per step of a case, never updated nor deleted by the app."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("cas ouvert")
        AUTO_HIDDEN = "auto_hidden", _("masqué en attente d'examen")
        HIDE = "hide", _("masqué")
        DISMISS = "dismiss", _("signalement écarté")
        REOPEN = "reopen", _("cas rouvert")
        APPEAL = "appeal", _("recours")
        UPHOLD = "uphold", _("masquage confirmé")
        REVERSE = "reverse", _("rétabli après recours")

    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="actions")
    # None: the platform acted (the reports' threshold).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=REASON_MAX_CHARS, blank=True)
    rule = models.CharField(max_length=20, blank=True)
    # Working hours from the case's opening to this decision (hide, dismiss), for the register.
    hours_to_decision = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("action de modération")
        verbose_name_plural = _("actions de modération")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.kind} #{self.case_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Moderation actions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("Moderation actions are append-only.")


class Notice(models.Model):
    """What a person is told in the site about moderation of their message or their report
    (in-app for now; e-mail comes with the notifications)."""

    class Kind(models.TextChoices):
        PENDING_REVIEW = "pending_review", _("message masqué en attente d'examen")
        HIDDEN = "hidden", _("message masqué")
        REPORT_HIDDEN = "report_hidden", _("signalement suivi d'un masquage")
        REPORT_DISMISSED = "report_dismissed", _("signalement écarté")
        APPEAL_UPHELD = "appeal_upheld", _("recours rejeté")
        APPEAL_REVERSED = "appeal_reversed", _("recours accepté")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_notices"
    )
    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("avis de modération")
        verbose_name_plural = _("avis de modération")
        indexes = [models.Index(fields=["recipient", "-created"], name="notice_recipient_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.case_id}"
