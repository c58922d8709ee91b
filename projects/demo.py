"""Demo project sheets at several stages, as API.md describes (idempotent: looked up by slug)."""

from __future__ import annotations

import logging
from typing import Any

from accounts.demo import demo_user
from config.api import DomainError
from territories.models import Territory, Theme
from workspace.models import Workspace

from .models import ProjectSheet
from .services import framing_note_create, sheet_create, sheet_update

log = logging.getLogger(__name__)

AGENT = "agent@demo.fabrique.test"
ELUE = "elue@demo.fabrique.test"

JURA_SUMMARY = (
    "La rue du Jura relie le cœur du Neudorf à l'école élémentaire et au parc. Chaque matin, "
    "des centaines d'enfants et de parents la parcourent à vélo au milieu des voitures, sans "
    "aménagement. Le collectif propose une piste cyclable protégée des deux côtés, en "
    "supprimant une file de stationnement, et demande qu'une concertation associe les riverains, "
    "les commerçants et l'école au tracé, aux plantations et au calendrier des travaux."
)


def _summary(place: str, purpose: str) -> str:
    return (
        f"{purpose} Le projet concerne {place}, aujourd'hui dominé par la circulation automobile "
        "et peu sûr pour les cyclistes comme pour les piétons. Il s'agit de définir avec les "
        "habitant·es, les commerçants et les écoles les aménagements, le calendrier des travaux "
        "et les mesures d'accompagnement, puis d'en évaluer publiquement les effets."
    )


FRAMING = {
    "political_intent": (
        "La Ville veut que les enfants puissent aller à l'école à vélo en sécurité ; le tracé "
        "et les aménagements restent à construire avec les habitant·es."
    ),
    "participation_level": "concert",
    "legal_constraints": "Voirie métropolitaine : le plan de circulation relève de l'Eurométropole.",
    "budget_constraints": "Enveloppe votée au budget participatif.",
    "budget_amount": "180000.00",
    "use_of_contributions": (
        "Chaque proposition reçoit une réponse écrite publiée sur la fiche, retenue ou non, "
        "avec ses raisons."
    ),
}

INITIATIVE = {
    "context": "Un trafic de transit important et aucun aménagement cyclable.",
    "objectives": "- Sécuriser le trajet des enfants\n- Réduire la vitesse\n- Planter des arbres",
    "initiators_contact": "Collectif vélo Neudorf — contact@velo-neudorf.example",
}
CONSULTATION = {
    "questions": "Quel tracé ? Quels aménagements près de l'école ? Quelles plantations ?",
    "modalities_places": "Deux ateliers au centre socio-culturel et un questionnaire en ligne.",
    "calendar_start": "2026-03-02",
    "calendar_end": "2026-04-30",
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

SHEETS: list[dict[str, Any]] = [
    {
        "slug": "piste-cyclable-rue-du-jura",
        "workspace": "collectif-velo-neudorf",
        "author": "alice@demo.fabrique.test",
        "title": "Piste cyclable rue du Jura",
        "summary": JURA_SUMMARY,
        "body": (
            "## Pourquoi\n\nLa rue est étroite et fréquentée. Voir le "
            "[plan vélo](https://www.strasbourg.eu/plan-velo).\n\n## Ce que nous proposons\n\n"
            "- une piste protégée\n- des arceaux devant l'école\n- des arbres\n"
        ),
        "territory": "strasbourg",
        "themes": ["mobilite"],
        "sections": INITIATIVE,
        "edits": [
            (
                {"body_append": "\n## Calendrier souhaité\n\nTravaux pendant l'été.\n"},
                "Ajout du calendrier",
            )
        ],
        # Everything to open the consultation except the official's framing note.
        "attest": ["plain_language"],
        "framing": False,
        "steps": [],
    },
    {
        "slug": "stationnement-velos-gare-centrale",
        "workspace": "service-mobilite-ems",
        "author": "service@demo.fabrique.test",
        "title": "Stationnement vélo sécurisé autour de la gare centrale",
        "summary": _summary("la place de la Gare", "Créer un parking vélo sécurisé."),
        "body": "Un parking vélo sécurisé de 1 000 places est envisagé.",
        "territory": "strasbourg",
        "themes": ["mobilite"],
        "sections": INITIATIVE,
        "attest": ["plain_language"],
        "framing": True,
        "steps": [("open_consultation", CONSULTATION)],
    },
    {
        "slug": "zone-30-ecoles-schiltigheim",
        "workspace": "service-mobilite-ems",
        "author": "service@demo.fabrique.test",
        "title": "Zones 30 autour des écoles de Schiltigheim",
        "summary": _summary("les abords des écoles", "Apaiser la circulation."),
        "body": "Apaiser les abords des six écoles de la commune.",
        "territory": "schiltigheim",
        "themes": ["mobilite"],
        "sections": INITIATIVE,
        "attest": ["plain_language"],
        "framing": True,
        "document": True,
        "steps": [("open_consultation", CONSULTATION), ("start_realisation", REALISATION)],
    },
    {
        "slug": "velorue-quai-des-bateliers",
        "workspace": "service-mobilite-ems",
        "author": "service@demo.fabrique.test",
        "title": "Vélorue du quai des Bateliers",
        "summary": _summary("le quai des Bateliers", "Transformer le quai en vélorue."),
        "body": "Le quai devient une vélorue où les voitures sont invitées.",
        "territory": "strasbourg",
        "themes": ["mobilite"],
        "sections": INITIATIVE,
        "attest": ["plain_language", "accessible_restitution", "restitution_document"],
        "framing": True,
        "document": True,
        "steps": [
            ("open_consultation", CONSULTATION),
            ("start_realisation", REALISATION),
            ("start_evaluation", EVALUATION),
        ],
    },
    {
        "slug": "parking-velos-place-du-marche",
        "workspace": "collectif-velo-neudorf",
        "author": "alice@demo.fabrique.test",
        "title": "Arceaux vélo place du Marché",
        "summary": "Ajouter des arceaux vélo place du Marché.",
        "body": "",
        "territory": "strasbourg",
        "themes": ["mobilite"],
        "sections": {},
        "attest": [],
        "framing": False,
        "steps": [("abandon:Les arceaux ont été installés par la Ville entre-temps.", None)],
    },
    {
        "slug": "vegetaliser-la-cour-ecole",
        "workspace": "atelier-cour-ecole",
        "author": "carole@demo.fabrique.test",
        "title": "Végétaliser la cour de l'école",
        "summary": "Remplacer l'enrobé de la cour par des espaces plantés et des jeux en bois.",
        "body": "Projet en préparation avec les enseignant·es.",
        "territory": "illkirch-graffenstaden",
        "themes": ["environnement"],
        "sections": {"objectives": "Une cour plus fraîche en été."},
        "attest": [],
        "framing": False,
        "steps": [],
    },
]


def _workflow() -> Any:
    try:
        from workflow import services
    except ImportError:
        return None
    return services


def _attest(sheet: ProjectSheet, codes: list[str]) -> None:
    workflow = _workflow()
    if workflow is None or not hasattr(workflow, "attestation_create"):
        return
    for code in codes:
        try:
            workflow.attestation_create(actor=demo_user(AGENT), sheet=sheet, code=code)
        except DomainError as error:
            log.info("demo: attestation %s on %s skipped: %s", code, sheet.slug, error.message)


def _attach_document(sheet: ProjectSheet, actor: Any) -> None:
    try:
        from django.core.files.base import ContentFile

        from documents.demo import tiny_pdf
        from documents.services import document_create
    except ImportError:
        return
    name = f"{sheet.slug}-dossier.pdf"
    document_create(
        actor=actor,
        workspace=sheet.workspace,
        file=ContentFile(tiny_pdf(f"Dossier public - {sheet.slug}"), name=name),
        name=name,
        title=f"Dossier de concertation — {sheet.title}",
        visibility="public",
        sheet=sheet,
    )


def _advance(sheet: ProjectSheet, spec: dict, author: Any) -> ProjectSheet:
    workflow = _workflow()
    if workflow is None or not hasattr(workflow, "sheet_transition"):
        return sheet
    for name, sections in spec["steps"]:
        note = ""
        if ":" in name:
            name, note = name.split(":", 1)
        try:
            sheet = workflow.sheet_transition(
                actor=demo_user(AGENT), sheet=sheet, name=name, note=note
            )
        except DomainError as error:
            log.warning("demo: %s on %s refused: %s", name, sheet.slug, error.message)
            return sheet
        if sections:
            sheet = sheet_update(
                actor=author,
                sheet=sheet,
                base_version=sheet.current_version.number,
                sections=sections,
                change_note=f"Étape « {sheet.get_stage_display()} » renseignée",
            )
            if spec.get("document") and name == "open_consultation":
                _attach_document(sheet, author)
            if name == "start_realisation":
                _attest(sheet, [c for c in spec["attest"] if c != "plain_language"])
    return sheet


def seed() -> int:
    created = 0
    for spec in SHEETS:
        if ProjectSheet.objects.filter(slug=spec["slug"]).exists():
            continue
        workspace = Workspace.objects.filter(slug=spec["workspace"]).first()
        if workspace is None:
            continue
        author = demo_user(spec["author"])
        sheet = sheet_create(
            actor=author,
            workspace=workspace,
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["body"],
            territory=Territory.objects.filter(slug=spec["territory"]).first(),
            themes=list(Theme.objects.filter(slug__in=spec["themes"])),
            is_public=True,
            sections=spec["sections"],
        )
        for change, note in spec.get("edits", []):
            sheet = sheet_update(
                actor=author,
                sheet=sheet,
                base_version=sheet.current_version.number,
                body=sheet.current_version.body + change["body_append"],
                change_note=note,
            )
        if "plain_language" in spec["attest"]:
            _attest(sheet, ["plain_language"])
        if spec["framing"]:
            framing_note_create(actor=demo_user(ELUE), sheet=sheet, publish=True, **FRAMING)
        _advance(sheet, spec, author)
        created += 1
    return created
