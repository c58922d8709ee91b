"""Demo stages: moves the projects demo's sheets through attestations and transitions, filing
their consultation documents on the way (idempotent: a sheet that already has an attestation
or a transition is left as it is)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.utils import timezone

from accounts.demo import demo_user
from documents.demo import sheet_document_attach
from errors import DomainError
from projects.demo import SHEETS
from projects.models import ProjectSheet
from projects.services import sheet_update

from .models import Attestation, TransitionLog
from .services import attestation_create, sheet_transition

log = logging.getLogger(__name__)

AGENT = "agent@demo.fabrique.test"

CONSULTATION = {
    "questions": "Quel tracé ? Quels aménagements près de l'école ? Quelles plantations ?",
    "modalities_places": "Deux ateliers au centre socio-culturel et un questionnaire en ligne.",
    "calendar_start": "2026-03-02",
    "calendar_end": "2026-04-30",
}


def consultation_open_now() -> dict[str, str]:
    """The consultation sections of a sheet whose consultation runs on the day the demo is
    loaded (begun two weeks ago, closing in six weeks), so that the home page has something
    open for participation whenever `make run` is started."""
    today = timezone.localdate()
    return {
        **CONSULTATION,
        "calendar_start": (today - datetime.timedelta(days=14)).isoformat(),
        "calendar_end": (today + datetime.timedelta(days=42)).isoformat(),
    }


REALISATION = {
    "decisions": "Piste bidirectionnelle côté pair ; zone 30 devant l'école.",
    "response_to_contributions": (
        "Le tracé côté pair reprend la proposition majoritaire des ateliers ; la demande de "
        "fermeture totale à la circulation n'est pas retenue (accès des secours)."
    ),
    "budget": "Travaux de voirie et plantations.",
    "budget_amount": "172000",
    "milestones": "- Études : juin\n- Travaux : juillet–août\n- Mise en service : rentrée",
}
EVALUATION = {
    "outcomes": "Objectif de sécurité atteint : plus aucun accident signalé depuis l'ouverture.",
    "indicators": "Comptages : +45 % de vélos le matin ; vitesse moyenne 27 km/h.",
    "lessons": "Associer l'école dès le début a beaucoup aidé.",
    "promised_vs_delivered_level": "Promis : concertation. Tenu : concertation.",
}

# Per sheet slug (from `projects.demo.SHEETS`): the staff attestations, the transitions (with
# the sections the author fills on arrival, or a function that gives them; "abandon:<reason>"),
# and whether a public document is filed when the consultation opens.
PATHS: dict[str, dict[str, Any]] = {
    # Everything to open the consultation except the official's framing note.
    "piste-cyclable-rue-du-jura": {"attest": ["plain_language"], "steps": []},
    # Open now: the home page's "Participer maintenant" shows it (closing date relative to today).
    "stationnement-velos-gare-centrale": {
        "attest": ["plain_language"],
        "steps": [("open_consultation", consultation_open_now)],
    },
    "zone-30-ecoles-schiltigheim": {
        "attest": ["plain_language"],
        "document": True,
        "steps": [("open_consultation", CONSULTATION), ("start_realisation", REALISATION)],
    },
    "velorue-quai-des-bateliers": {
        "attest": ["plain_language", "accessible_restitution", "restitution_document"],
        "document": True,
        "steps": [
            ("open_consultation", CONSULTATION),
            ("start_realisation", REALISATION),
            ("start_evaluation", EVALUATION),
        ],
    },
    "parking-velos-place-du-marche": {
        "attest": [],
        "steps": [("abandon:Les arceaux ont été installés par la Ville entre-temps.", None)],
    },
}


AUTHORS = {spec["slug"]: spec["author"] for spec in SHEETS}


def _attest(sheet: ProjectSheet, codes: list[str]) -> None:
    for code in codes:
        try:
            attestation_create(actor=demo_user(AGENT), sheet=sheet, code=code)
        except DomainError as error:
            log.info("demo: attestation %s on %s skipped: %s", code, sheet.slug, error.message)


def _advance(sheet: ProjectSheet, path: dict[str, Any]) -> ProjectSheet:
    author = demo_user(AUTHORS[sheet.slug])
    for name, sections in path["steps"]:
        note = ""
        if ":" in name:
            name, note = name.split(":", 1)
        try:
            sheet = sheet_transition(actor=demo_user(AGENT), sheet=sheet, name=name, note=note)
        except DomainError as error:
            log.warning("demo: %s on %s refused: %s", name, sheet.slug, error.message)
            return sheet
        if callable(sections):
            sections = sections()
        if sections:
            sheet = sheet_update(
                actor=author,
                sheet=sheet,
                base_version=sheet.current_version.number,
                sections=sections,
                change_note=f"Étape « {sheet.get_stage_display()} » renseignée",
            )
            if path.get("document") and name == "open_consultation":
                sheet_document_attach(sheet, author)
            if name == "start_realisation":
                _attest(sheet, [c for c in path["attest"] if c != "plain_language"])
    return sheet


def seed() -> int:
    advanced = 0
    for slug, path in PATHS.items():
        sheet = ProjectSheet.objects.filter(slug=slug).first()
        if sheet is None:
            continue
        if (
            Attestation.objects.filter(sheet=sheet).exists()
            or TransitionLog.objects.filter(sheet=sheet).exists()
        ):
            continue
        if "plain_language" in path["attest"]:
            _attest(sheet, ["plain_language"])
        _advance(sheet, path)
        advanced += 1
    return advanced
