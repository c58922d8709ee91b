"""Workspaces and their memberships (workspace roles)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def default_quota() -> int:
    return settings.FABRIQUE_WORKSPACE_QUOTA_BYTES


class Workspace(models.Model):
    class Kind(models.TextChoices):
        CITIZEN_GROUP = "citizen_group", _("Collectif citoyen")
        INSTITUTION = "institution", _("Institution")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Privé")

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workspaces",
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    storage_quota = models.BigIntegerField(_("quota de stockage (octets)"), default=default_quota)
    # The institution kind carries workflow rights (see workflow.permissions): it is granted by
    # staff, never chosen by an owner, and the grant names who vouched for it.
    institution_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("statut d'institution accordé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    institution_granted_at = models.DateTimeField(
        _("statut d'institution accordé le"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("espace de travail")
        verbose_name_plural = _("espaces de travail")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["citizen_group", "institution"]),
                name="workspace_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=["public", "private"]),
                name="workspace_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(storage_quota__gte=0), name="workspace_quota_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def workspace(self) -> "Workspace":
        """Lets the permission backend treat every workspace-bound object alike."""
        return self


class Role(models.TextChoices):
    OWNER = "owner", _("Propriétaire")
    EDITOR = "editor", _("Éditeur·rice")
    CONTRIBUTOR = "contributor", _("Contributeur·rice")
    READER = "reader", _("Lecteur·rice")


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "user"]
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="membership_one_per_user_workspace"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["owner", "editor", "contributor", "reader"]),
                name="membership_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "workspace", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.workspace} · {self.role}"
