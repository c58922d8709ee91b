"""Debates and their comments: a forum attached to a sheet, a workspace or a territory.

A comment's moderation is decided in `moderation`; what the public sees of that decision (the
reason and the charter article shown in the comment's place) is copied here by
`debates.services.comment_moderation_show`, so that a debate page never reads the moderation
tables and the text of a hidden comment never leaves this row through a page or the API.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts.models import AssistedContribution

DEBATE_BODY_MAX_CHARS = 20_000
COMMENT_BODY_MAX_CHARS = 5_000
SYNTHESIS_MIN_CHARS = 50
SYNTHESIS_MAX_CHARS = 10_000
# Depth of a thread: a comment (1) and its replies (2); a reply to a reply is refused.
MAX_DEPTH = 2


class Debate(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("ouvert")
        CLOSED = "closed", _("clos")
        ARCHIVED = "archived", _("archivé")

    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(
        _("présentation (Markdown)"), blank=True, max_length=DEBATE_BODY_MAX_CHARS
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where it lives: a sheet (and then its workspace), a workspace, or neither (a territory's
    # or a theme's debate, public). The workspace of a sheet's debate is the sheet's.
    sheet = models.ForeignKey(
        "projects.ProjectSheet",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="debates",
    )
    workspace = models.ForeignKey(
        "workspace.Workspace",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="debates",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debates",
    )
    themes = models.ManyToManyField("territories.Theme", blank=True, related_name="debates")
    state = FSMField(
        _("état"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    # Comments are refused after this day (Europe/Paris), whatever the state.
    closes_on = models.DateField(_("fin des contributions"), null=True, blank=True)
    # "Closes soon" said once, the day before `closes_on` (its followers are told).
    closing_told = models.BooleanField(default=False)
    synthesis = models.TextField(_("synthèse"), blank=True, max_length=SYNTHESIS_MAX_CHARS)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("débat")
        verbose_name_plural = _("débats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "closed", "archived"]),
                name="debate_state_valid",
            ),
            # A sheet's debate always names the sheet's workspace (set by the service).
            models.CheckConstraint(
                condition=models.Q(sheet__isnull=True) | models.Q(workspace__isnull=False),
                name="debate_sheet_has_workspace",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("debates:detail", args=[self.pk])

    @property
    def is_private(self) -> bool:
        """Seen by members only: in a private workspace, or on a sheet the public may not see."""
        if self.sheet_id is not None:
            return not (self.sheet.is_public and self.sheet.workspace.is_public)
        return self.workspace_id is not None and not self.workspace.is_public


class Comment(AssistedContribution):
    class Stance(models.TextChoices):
        FOR = "for", _("pour")
        AGAINST = "against", _("contre")
        NUANCED = "nuanced", _("nuancé")

    class State(models.TextChoices):
        VISIBLE = "visible", _("visible")
        HIDDEN = "hidden", _("masqué")
        DELETED = "deleted", _("supprimé")

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("message (Markdown)"), max_length=COMMENT_BODY_MAX_CHARS, blank=True)
    stance = models.CharField(_("position"), max_length=8, choices=Stance.choices, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.VISIBLE)
    created = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What the public sees of moderation (copied from the moderation case's decision).
    # Hidden pending review (enough reports, no decision yet): never a final decision.
    pending_review = models.BooleanField(default=False)
    moderation_reason = models.CharField(max_length=1000, blank=True)
    moderation_rule = models.CharField(max_length=200, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    appealable_until = models.DateTimeField(null=True, blank=True)
    # Shown back after an appeal (or a moderator's own reversal): "rétabli après recours".
    reinstated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["visible", "hidden", "deleted"]),
                name="comment_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=["", "for", "against", "nuanced"]),
                name="comment_stance_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["debate", "parent", "created"], name="comment_thread_idx"),
            models.Index(fields=["author", "created"], name="comment_author_idx"),
        ]

    def __str__(self) -> str:
        # Never the text: this string lands in the activity log and the admin's lists.
        return str(_("Commentaire n° %(id)s")) % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return f"{self.debate.get_absolute_url()}#commentaire-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.state == self.State.HIDDEN

    @property
    def is_deleted(self) -> bool:
        return self.state == self.State.DELETED

    @property
    def public_body(self) -> str | None:
        """The text anyone may read: None once hidden or deleted."""
        return self.body if self.state == self.State.VISIBLE else None

    def moderation_notice(self) -> dict[str, Any] | None:
        if self.state != self.State.HIDDEN:
            return None
        return {
            "pending_review": self.pending_review,
            "reason": self.moderation_reason or None,
            "rule": self.moderation_rule or None,
            "decided": self.moderated_at,
            "appealable_until": self.appealable_until,
        }
