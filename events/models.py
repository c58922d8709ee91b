"""The append-only activity log: one row per significant action, written by `event_record`."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    """One significant action; append-only: rows are never updated nor deleted by the app.

    The model moved here from `workspace`; its table kept its name so that no row moved. The
    workspace is named by a lazy reference: the row points at it, this app imports nothing of it.
    """

    workspace = models.ForeignKey(
        "workspace.Workspace",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # Context kept as text so the log still reads after the target is gone.
    target_repr = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Seen only by whoever may see the entry's subject in private (a draft's author): never
    # listed in logs and timelines. Set from the verb's declaration or by the caller.
    private = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "workspace_activity"
        ordering = ["-created", "-id"]
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        indexes = [
            models.Index(
                fields=["target_type", "target_id", "-created"],
                name="workspace_a_target__3a78df_idx",
            ),
            models.Index(fields=["workspace", "-created"], name="workspace_a_workspa_bc8fb0_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor} {self.verb} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Activity entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("Activity entries are append-only.")
