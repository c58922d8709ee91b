"""Staff attestations of checklist items and the append-only log of stage transitions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Attestation(models.Model):
    """A staff agent vouches for one attested checklist item of one sheet.

    Withdrawing sets `withdrawn_at` instead of deleting, so who attested what and when stays on
    record; at most one attestation per sheet and item is active at a time.
    """

    sheet = models.ForeignKey(
        "projects.ProjectSheet", on_delete=models.CASCADE, related_name="attestations"
    )
    code = models.CharField(_("élément"), max_length=64)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attesté par"),
    )
    attested_at = models.DateTimeField(_("attesté le"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("retiré par"),
    )
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        ordering = ["-attested_at", "-id"]
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "code"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="attestation_one_active_per_item",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("attested_at")),
                name="attestation_withdrawn_after_attested",
            ),
        ]
        indexes = [models.Index(fields=["sheet", "code", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.sheet_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def workspace(self):
        return self.sheet.workspace


class TransitionLog(models.Model):
    """One stage transition as it happened; rows are never updated nor deleted by the app."""

    sheet = models.ForeignKey(
        "projects.ProjectSheet", on_delete=models.CASCADE, related_name="transition_logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("transition"), max_length=32)
    from_stage = models.CharField(_("de"), max_length=16)
    to_stage = models.CharField(_("vers"), max_length=16)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    # The content the decision was taken on: the version current at that moment.
    version = models.ForeignKey(
        "projects.SheetVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version_number = models.PositiveIntegerField(null=True, blank=True)
    checklist_snapshot = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("transition d'étape")
        verbose_name_plural = _("transitions d'étape")
        indexes = [models.Index(fields=["sheet", "-created"])]

    def __str__(self) -> str:
        return f"{self.sheet_id}: {self.from_stage} → {self.to_stage}"

    @property
    def workspace(self):
        return self.sheet.workspace

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Transition log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Transition log entries are append-only.")
