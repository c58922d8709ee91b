"""Documents of a workspace, their immutable file revisions, share links and per-person grants."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Membres de l'espace")


class Document(models.Model):
    workspace = models.ForeignKey(
        "workspace.Workspace",
        verbose_name=_("espace"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    sheet = models.ForeignKey(
        "projects.ProjectSheet",
        verbose_name=_("fiche projet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    current_revision = models.OneToOneField(
        "DocumentRevision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trashed_at = models.DateTimeField(_("mis à la corbeille le"), null=True, blank=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("restore_document", "Can restore a document from the trash")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["public", "members"]),
                name="document_visibility_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "trashed_at", "-updated"]),
            models.Index(fields=["workspace", "title"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def is_trashed(self) -> bool:
        return self.trashed_at is not None

    def purge_due_at(self):
        if self.trashed_at is None:
            return None
        return self.trashed_at + timezone.timedelta(days=settings.FABRIQUE_TRASH_RETENTION_DAYS)


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    DONE = "done", _("Texte extrait")
    FAILED = "failed", _("Texte illisible")
    SKIPPED = "skipped", _("Sans texte")


class DocumentRevision(models.Model):
    """One uploaded file; immutable once written (only the extraction result is filled later)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("numéro"))
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    # Random, never derived from the uploaded name: no traversal, no guessing, no collisions.
    # Shared by a restored revision and the one it restores (the bytes are not copied).
    storage_key = models.CharField(max_length=255, db_index=True)
    size = models.BigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    mime_type = models.CharField(_("type"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    extraction_status = models.CharField(
        _("extraction du texte"),
        max_length=10,
        choices=ExtractionStatus.choices,
        default=ExtractionStatus.PENDING,
    )
    extracted_text = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("révision")
        verbose_name_plural = _("révisions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documentrevision_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(size__gt=0), name="documentrevision_size_pos"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="documentrevision_number_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"

    @property
    def workspace(self):
        return self.document.workspace

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Document revisions are immutable.")
        super().save(*args, **kwargs)


class ShareLink(models.Model):
    """A link to one document for people outside its workspace; only the token's hash is kept."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("expire le"))
    password = models.CharField(max_length=128, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("lien de partage")
        verbose_name_plural = _("liens de partage")

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"

    @property
    def workspace(self):
        return self.document.workspace

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class DocumentUserObjectPermission(UserObjectPermissionBase):
    """Per-person exceptions (a document shared with someone outside its workspace)."""

    content_object = models.ForeignKey(Document, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass
