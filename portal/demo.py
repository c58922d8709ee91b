"""Demo quartiers (../shared/API.md, "Demo data (participation)"): Neudorf, Krutenau, Centre and
Esplanade under Strasbourg, created by the demo agent through the quartier service, and
collectif-velo-neudorf's sheets placed in Neudorf (a new version by the workspace's owner,
saying so). Idempotent: what exists already is left as it is."""

from __future__ import annotations

from accounts.demo import demo_user
from projects.models import ProjectSheet
from projects.services import sheet_update
from territories.models import Territory
from territories.services import quartier_create

AGENT = "agent@demo.fabrique.test"
ALICE = "alice@demo.fabrique.test"
QUARTIERS = ["Neudorf", "Krutenau", "Centre", "Esplanade"]
NEUDORF = "strasbourg-neudorf"
NEUDORF_WORKSPACE = "collectif-velo-neudorf"


def seed() -> int:
    created = 0
    strasbourg = Territory.objects.get(slug="strasbourg")
    agent = demo_user(AGENT)
    for name in QUARTIERS:
        if not Territory.objects.filter(slug=f"strasbourg-{name.lower()}").exists():
            quartier_create(actor=agent, name=name, commune=strasbourg)
            created += 1
    neudorf = Territory.objects.get(slug=NEUDORF)
    alice = demo_user(ALICE)
    for sheet in (
        ProjectSheet.objects.filter(workspace__slug=NEUDORF_WORKSPACE)
        .exclude(territory=neudorf)
        .select_related("current_version")
        .order_by("pk")
    ):
        sheet_update(
            actor=alice,
            sheet=sheet,
            base_version=sheet.current_version.number,
            territory=neudorf,
            change_note="Fiche placée dans le quartier Neudorf",
        )
        created += 1
    return created
