"""A quartier's optional boundary: a GeoJSON Polygon or MultiPolygon (RFC 7946) of a reasonable
size, checked before it is stored. Nothing in Fabrique depends on a boundary: a quartier is
what its sheets, debates and officials name, with or without one."""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# What a quartier's outline needs, with room to spare; more is a mistake or an attack.
BOUNDARY_MAX_BYTES = 200_000
BOUNDARY_MAX_POSITIONS = 10_000
BOUNDARY_MAX_POLYGONS = 50
BOUNDARY_MAX_RINGS = 20
# A quartier of the Eurométropole spans a few kilometres; the whole metropole about 0.35° of
# longitude. An outline wider than this is not a quartier (or its coordinates are swapped).
BOUNDARY_MAX_EXTENT_DEGREES = 0.5


def _error(message: str) -> ValidationError:
    return ValidationError({"boundary": message})


def _position(value: Any) -> tuple[float, float]:
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise _error(_("Chaque point doit être une liste [longitude, latitude]."))
    for number in value:
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _error(_("Les coordonnées doivent être des nombres."))
        if not math.isfinite(number):
            raise _error(_("Les coordonnées doivent être des nombres finis."))
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _error(_("Coordonnées hors limites : longitude puis latitude, en degrés (WGS 84)."))
    return lon, lat


def _polygon(rings: Any, points: list[tuple[float, float]]) -> None:
    if not isinstance(rings, list) or not 1 <= len(rings) <= BOUNDARY_MAX_RINGS:
        raise _error(
            _("Un polygone est une liste de 1 à %(n)d anneaux.") % {"n": BOUNDARY_MAX_RINGS}
        )
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise _error(_("Un anneau compte au moins quatre points."))
        if len(points) + len(ring) > BOUNDARY_MAX_POSITIONS:
            raise _error(
                _("Contour trop détaillé : %(n)d points au plus.") % {"n": BOUNDARY_MAX_POSITIONS}
            )
        ring_points = [_position(p) for p in ring]
        if ring_points[0] != ring_points[-1]:
            raise _error(_("Un anneau doit être fermé : son dernier point répète le premier."))
        points.extend(ring_points)


def boundary_clean(value: Any) -> dict[str, Any] | None:
    """The geometry to store (a Feature's geometry is taken out of it), or None for no
    boundary; raises ValidationError({"boundary": …}) otherwise. `value` is the decoded JSON or
    its text."""
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, str):
        if len(value.encode("utf-8", "surrogatepass")) > BOUNDARY_MAX_BYTES:
            raise _error(
                _("Contour trop volumineux : %(n)d Ko au plus.") % {"n": BOUNDARY_MAX_BYTES // 1000}
            )
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise _error(_("Ce n'est pas du GeoJSON valide.")) from None
    if not isinstance(value, dict):
        raise _error(_("Un objet GeoJSON de type Polygon ou MultiPolygon est attendu."))
    if value.get("type") == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise _error(_("Un objet GeoJSON de type Polygon ou MultiPolygon est attendu."))
    kind, coordinates = value.get("type"), value.get("coordinates")
    points: list[tuple[float, float]] = []
    if kind == "Polygon":
        _polygon(coordinates, points)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not 1 <= len(coordinates) <= BOUNDARY_MAX_POLYGONS:
            raise _error(
                _("Un MultiPolygon compte de 1 à %(n)d polygones.") % {"n": BOUNDARY_MAX_POLYGONS}
            )
        for polygon in coordinates:
            _polygon(polygon, points)
    else:
        raise _error(_("Un objet GeoJSON de type Polygon ou MultiPolygon est attendu."))
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    if (
        max(lons) - min(lons) > BOUNDARY_MAX_EXTENT_DEGREES
        or max(lats) - min(lats) > BOUNDARY_MAX_EXTENT_DEGREES
    ):
        raise _error(
            _("Contour trop étendu pour un quartier (vérifiez l'ordre longitude, latitude).")
        )
    return {"type": kind, "coordinates": coordinates}
