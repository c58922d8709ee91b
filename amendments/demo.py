"""Demo amendment round (API.md, "Demo data (participation)"): on the sheet
`stationnement-velos-gare-centrale`, in consultation, a round opened by the official
elue@demo.fabrique.test, in its submission window (two weeks to propose, then two weeks to
judge), with two amendments by demo citizens. Through the services; idempotent: a sheet that
already has a round is left as it is."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_user
from errors import DomainError
from projects.models import ProjectSheet

from .models import AmendmentRound
from .services import amendment_submit, round_open

log = logging.getLogger(__name__)

SHEET = "stationnement-velos-gare-centrale"
OPENER = "elue@demo.fabrique.test"
AMENDMENTS = [
    (
        "bob@demo.fabrique.test",
        "summary",
        "Créer un parking vélo sécurisé d'environ 1 000 places à la gare centrale, ouvert de "
        "5 h à 1 h, avec des places pour vélos-cargos et une consigne gratuite la première "
        "heure.",
        "Les horaires et les vélos-cargos manquent au résumé : ce sont les deux demandes qui "
        "reviennent le plus dans le débat.",
    ),
    (
        "carole@demo.fabrique.test",
        "summary",
        "Créer à la gare centrale un parking vélo sécurisé d'environ 1 000 places, réparti "
        "entre les deux entrées (côté place de la Gare et côté Wodli), pour que personne n'ait "
        "à traverser le parvis avec son vélo.",
        "Un seul parking obligerait la moitié des usagers à faire le tour de la gare.",
    ),
]


def seed() -> int:
    """Open the round and submit the amendments; returns the number of amendments written."""
    sheet = ProjectSheet.objects.filter(slug=SHEET).select_related("current_version").first()
    if sheet is None or AmendmentRound.objects.filter(sheet=sheet).exists():
        return 0
    try:
        with transaction.atomic():
            return _write(sheet)
    except DomainError as error:
        log.warning("demo: amendment round on %s refused: %s", SHEET, error.message)
        return 0


def _write(sheet: ProjectSheet) -> int:
    now = timezone.now()
    round_open(
        actor=demo_user(OPENER),
        sheet=sheet,
        submission_ends=now + datetime.timedelta(days=14),
        judgment_ends=now + datetime.timedelta(days=28),
        min_grade=3,
        quorum=5,
    )
    for author, field, text, rationale in AMENDMENTS:
        amendment_submit(
            actor=demo_user(author),
            sheet=sheet,
            field=field,
            text=text,
            base_version=sheet.current_version.number,
            rationale=rationale,
        )
    return len(AMENDMENTS)
