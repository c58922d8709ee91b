"""The key pages' figures as `make ecoindex` last measured them (FABRIQUE_ECOINDEX_FILE, a JSON
file the benchmark writes and the repository tracks), and the bytes served lately.

The file is read again only when it changes (its modification time); a missing or malformed
file is "no measurement yet", never an error page."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from portal.models import ServedBytes

from .ecoindex import PageMeasure

# The key pages of bench/ecoindex.py, named for readers.
LABELS = {
    "home": _("Accueil"),
    "sheet-list": _("Liste des projets"),
    "sheet": _("Fiche de projet"),
    "search": _("Recherche"),
    "workspace-list": _("Liste des espaces"),
    "workspace": _("Espace de travail"),
    "document": _("Document"),
    "document-editor": _("Document (membre de l'espace)"),
    "board": _("Tableau de suivi (agent·e)"),
    "debate-list": _("Liste des débats"),
    "debate": _("Débat"),
    "debate-member": _("Débat (membre connecté·e)"),
    "moderation-queue": _("File de modération"),
    "amendment-round": _("Appel à amendements"),
    "amendment": _("Amendement"),
    "amendment-propose": _("Proposer un amendement"),
    "officials": _("Annuaire des élu·es"),
    "official": _("Page d'un·e élu·e"),
    "official-inbox": _("Boîte d'un·e élu·e"),
    "charter": _("Charte de modération"),
    "register": _("Registre de modération"),
    "login": _("Connexion"),
    "signup": _("Inscription"),
    "api-docs": _("Documentation de l'API"),
    "impact": _("Impact environnemental"),
}


@dataclass(frozen=True)
class MeasuredPage:
    name: str
    path: str
    measure: PageMeasure

    @property
    def label(self) -> Any:
        return LABELS.get(self.name, self.name)


@dataclass(frozen=True)
class Measurement:
    measured_at: datetime | None
    commit: str
    modified: bool
    machine: str
    conditions: str
    pages: list[MeasuredPage]


_cache: dict[str, tuple[float, Measurement | None]] = {}


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def _parse(data: Any) -> Measurement:
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
        raise ValueError("no pages")
    pages = []
    for row in data["pages"]:
        if not isinstance(row, dict):
            raise ValueError(row)
        measure = PageMeasure(
            dom=_count(row.get("dom")),
            requests=_count(row.get("requests")),
            transferred=_count(row.get("transferred")),
            decoded=_count(row.get("decoded", 0)),
        )
        pages.append(MeasuredPage(str(row.get("name", "")), str(row.get("path", "")), measure))
    stamp = data.get("measured_at")
    return Measurement(
        measured_at=parse_datetime(stamp) if isinstance(stamp, str) else None,
        commit=str(data.get("commit", ""))[:40],
        modified=data.get("modified") is True,
        machine=str(data.get("machine", "")),
        conditions=str(data.get("conditions", "")),
        pages=pages,
    )


def last_measurement() -> Measurement | None:
    """The committed measurement, or None when there is none (or it cannot be read)."""
    path = str(settings.FABRIQUE_ECOINDEX_FILE)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    kept = _cache.get(path)
    if kept and kept[0] == mtime:
        return kept[1]
    try:
        with open(path, encoding="utf-8") as fh:
            measurement: Measurement | None = _parse(json.load(fh))
    except (OSError, ValueError, TypeError):
        measurement = None
    _cache[path] = (mtime, measurement)
    return measurement


@dataclass(frozen=True)
class ServedEstimate:
    since: date
    days: int  # days with a count among the period's
    bytes: int
    responses: int
    kwh_per_gb: float
    grams_per_kwh: float

    @property
    def gigabytes(self) -> float:
        return self.bytes / 1e9

    @property
    def grams_per_gb(self) -> float:
        return self.kwh_per_gb * self.grams_per_kwh

    @property
    def grams(self) -> float:
        return self.gigabytes * self.grams_per_gb


def served_last_days(days: int = 30) -> ServedEstimate:
    """Bytes served over the last `days` days (today included) and their estimated gCO₂e."""
    since = timezone.localdate() - timedelta(days=days - 1)
    totals = ServedBytes.objects.filter(day__gte=since).aggregate(
        bytes=Sum("bytes"), responses=Sum("responses"), days=Count("pk")
    )
    return ServedEstimate(
        since=since,
        days=totals["days"] or 0,
        bytes=totals["bytes"] or 0,
        responses=totals["responses"] or 0,
        kwh_per_gb=settings.FABRIQUE_FOOTPRINT_KWH_PER_GB,
        grams_per_kwh=settings.FABRIQUE_FOOTPRINT_GCO2E_PER_KWH,
    )
