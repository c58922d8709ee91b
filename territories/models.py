"""Territories (metropole → commune → quartier) and themes that sheets, workspaces and people refer to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    class Kind(models.TextChoices):
        METROPOLE = "metropole", _("Métropole")
        COMMUNE = "commune", _("Commune")
        QUARTIER = "quartier", _("Quartier")

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=140, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # A quartier's outline (GeoJSON Polygon or MultiPolygon, checked by territories.geojson):
    # shown when given, never needed by any rule.
    boundary = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["metropole", "commune", "quartier"]),
                name="territory_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="metropole", parent__isnull=True)
                | models.Q(kind__in=["commune", "quartier"], parent__isnull=False),
                name="territory_parent_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected_parent = {
            self.Kind.COMMUNE: self.Kind.METROPOLE,
            self.Kind.QUARTIER: self.Kind.COMMUNE,
        }.get(self.kind)
        if expected_parent and (self.parent is None or self.parent.kind != expected_parent):
            raise ValidationError(
                {
                    "parent": _("Un territoire de ce type doit avoir un parent de type %(kind)s.")
                    % {"kind": self.Kind(expected_parent).label}
                }
            )
        if self.kind == self.Kind.METROPOLE and self.parent_id:
            raise ValidationError({"parent": _("La métropole n'a pas de parent.")})


class Theme(models.Model):
    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self) -> str:
        return self.name
