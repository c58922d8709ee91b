"""Sheets for the projects tests: `tests.factories.SheetFactory` with a long summary, a body,
Strasbourg and the mobility theme, and a slug made from the title as the service makes it."""

from projects.services import sheet_update
from territories.models import Territory, Theme
from tests.factories import SheetFactory

LONG_SUMMARY = (
    "Les habitant·es du quartier demandent une piste cyclable protégée rue du Jura, entre la "
    "place du Marché et l'école, pour que les enfants puissent aller à l'école à vélo en "
    "sécurité. Le projet propose de supprimer une file de stationnement et de planter des "
    "arbres le long de la piste. Une réunion publique et un questionnaire en ligne sont prévus."
)


def make_sheet(workspace, actor, *, title="Piste cyclable", is_public=True, **extra):
    fields = {
        "slug": None,
        "summary": LONG_SUMMARY,
        "body": "Première ligne\nDeuxième ligne\n",
        "territory": Territory.objects.filter(slug="strasbourg").first(),
        "themes": list(Theme.objects.filter(slug="mobilite")),
    }
    fields.update(extra)
    return SheetFactory(
        workspace=workspace, author=actor, title=title, is_public=is_public, **fields
    )


def make_versions(sheet, actor, count):
    """Add `count` versions, each changing the body."""
    for _i in range(count):
        number = sheet.current_version.number
        sheet = sheet_update(
            actor=actor,
            sheet=sheet,
            base_version=number,
            body=f"Version {number + 1}\nligne commune\n",
            change_note=f"v{number + 1}",
        )
    return sheet
