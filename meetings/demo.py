"""The demo's meetings, on `stationnement-velos-gare-centrale` (in consultation): a public
meeting still to come, in an accessible venue, and a workshop already held whose restitution is
published (minutes, attendance). Organised by the sheet's service, through the services.
Idempotent: a meeting whose title exists on the sheet is left as it is."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from accounts.demo import demo_user
from projects.models import ProjectSheet

from .models import Meeting
from .permissions import can_organise_on_sheet
from .services import meeting_create, meeting_restitution_publish

SHEET = "stationnement-velos-gare-centrale"
ORGANISER = "service@demo.fabrique.test"
AGENT = "agent@demo.fabrique.test"

UPCOMING = "Réunion publique : un parking vélo sécurisé à la gare"
HELD = "Atelier : où garez-vous votre vélo à la gare ?"
MINUTES = """## Ce qui a été dit

- Le parvis manque de places : on attache son vélo aux grilles, faute de mieux.
- Les arceaux actuels sont trop serrés pour les vélos cargos et les remorques.
- Plusieurs personnes demandent un local fermé, éclairé, avec un accès par badge.

## Ce que le service retient

Les emplacements proposés seront présentés à la réunion publique ; les avis de l'atelier sont
versés à la concertation en ligne.
"""


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A Paris hour `days` from today (negative: in the past)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive)


def _organiser(sheet: ProjectSheet) -> Any:
    service = demo_user(ORGANISER)
    return service if can_organise_on_sheet(service, sheet) else demo_user(AGENT)


def seed() -> int:
    sheet = ProjectSheet.objects.filter(slug=SHEET).select_related("workspace").first()
    if sheet is None:
        return 0
    organiser = _organiser(sheet)
    created = 0
    if not Meeting.objects.filter(sheet=sheet, title=UPCOMING).exists():
        meeting_create(
            actor=organiser,
            sheet=sheet,
            kind=Meeting.Kind.PUBLIC_MEETING,
            title=UPCOMING,
            description=(
                "Le service présente les emplacements possibles du parking vélo sécurisé et "
                "recueille vos questions. Ouvert à toutes et à tous."
            ),
            starts=_at(12, 18, 30),
            ends=_at(12, 20, 30),
            place="Maison des associations",
            address="1a place des Orphelins, 67000 Strasbourg",
            step_free=True,
            hearing_loop=True,
            sign_language=True,
            accessible_toilets=True,
            accessibility_notes=(
                "Entrée de plain-pied par la place ; interprétation en LSF sur demande une "
                "semaine avant."
            ),
            capacity=80,
        )
        created += 1
    if not Meeting.objects.filter(sheet=sheet, title=HELD).exists():
        held = meeting_create(
            actor=organiser,
            sheet=sheet,
            kind=Meeting.Kind.WORKSHOP,
            title=HELD,
            description="Un atelier sur place pour repérer les besoins de stationnement.",
            starts=_at(-21, 18),
            ends=_at(-21, 20),
            place="Hall de la gare, espace d'accueil",
            address="20 place de la Gare, 67000 Strasbourg",
            step_free=True,
            accessible_toilets=True,
            capacity=30,
        )
        meeting_restitution_publish(
            actor=organiser,
            meeting=held,
            minutes=MINUTES,
            attendance=23,
            presentation="Les plans présentés pendant l'atelier.",
        )
        created += 1
    return created
