"""Demo project sheets, their edits and framing notes, as API.md describes (idempotent: looked
up by slug). The workflow app's demo then moves them to several stages (`workflow/demo.py`)."""

from __future__ import annotations

from typing import Any

from accounts.demo import demo_user
from territories.models import Territory, Theme
from workspace.models import Workspace

from .models import ProjectSheet
from .services import framing_note_create, sheet_create, sheet_update

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
        "participation_level": "co_construct",
        "territory": "strasbourg",
        "themes": ["mobilite"],
        "sections": INITIATIVE,
        "edits": [
            (
                {"body_append": "\n## Calendrier souhaité\n\nTravaux pendant l'été.\n"},
                "Ajout du calendrier",
            )
        ],
        "framing": False,
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
        "framing": True,
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
        "framing": True,
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
        "framing": True,
        "participation_level": "concert",
        "participation_changeable": (
            "Le sens de circulation, l'emplacement des arceaux et des arbres ; le principe de la "
            "vélorue est acquis."
        ),
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
        "framing": False,
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
        "framing": False,
    },
]


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
            participation_level=spec.get("participation_level", "consult"),
            participation_changeable=spec.get("participation_changeable", ""),
        )
        for change, note in spec.get("edits", []):
            sheet = sheet_update(
                actor=author,
                sheet=sheet,
                base_version=sheet.current_version.number,
                body=sheet.current_version.body + change["body_append"],
                change_note=note,
            )
        if spec["framing"]:
            framing_note_create(actor=demo_user(ELUE), sheet=sheet, publish=True, **FRAMING)
        created += 1
    return created
