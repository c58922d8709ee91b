"""The search outbox (pending index changes) and the lease that makes one indexer the writer."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexOutbox(models.Model):
    """One pending index change, written by a service in the same transaction as the change.

    Rows are appended, never updated: the indexer coalesces rows of the same object (the last
    action wins, and the database decides what an update means), then deletes exactly the rows
    it processed, so a change committed while a batch runs is never swallowed.
    """

    class Action(models.TextChoices):
        UPDATE = "update", _("Mise à jour")
        DELETE = "delete", _("Suppression")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # Text so that any primary key fits; the object may already be gone when the row is read.
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=6, choices=Action.choices, default=Action.UPDATE)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("modification d'index en attente")
        verbose_name_plural = _("modifications d'index en attente")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["update", "delete"]),
                name="index_outbox_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id}"


class IndexerLease(models.Model):
    """A named lease row: whoever holds an unexpired lease is the only index writer.

    Taken with one conditional UPDATE (works the same on SQLite and PostgreSQL, and holds no
    transaction open while the index is written); a crashed holder's lease simply expires.
    """

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=80, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verrou de l'indexeur")
        verbose_name_plural = _("verrous de l'indexeur")

    def __str__(self) -> str:
        return f"{self.name} ({self.holder or '-'})"
