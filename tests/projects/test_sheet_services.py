"""Creating, editing and restoring sheets: versions, conflicts, sections by stage."""

import pytest
from django.core.exceptions import ValidationError

from events.models import Activity
from projects.errors import SheetConflict, SheetPermissionDenied, SheetReadOnly, SheetUnchanged
from projects.models import ProjectSheet, SheetVersion, Stage
from projects.services import sheet_create, sheet_update, sheet_version_restore
from territories.models import Territory, Theme

from .factories import make_sheet

pytestmark = pytest.mark.django_db

# The participation promise every version records (the default level, no texts).
PROMISE = {
    "participation_level": "consult",
    "participation_decided": "",
    "participation_changeable": "",
}


def _force_stage(sheet, stage):
    # Tests only: move the protected field without the workflow service.
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    return ProjectSheet.objects.get(pk=sheet.pk)


def test_create_starts_at_initiative_with_version_one_and_unique_slug(make_workspace):
    workspace, actors = make_workspace()
    first = make_sheet(workspace, actors["contributor"], title="Rue du Jura à vélo")
    second = make_sheet(workspace, actors["contributor"], title="Rue du Jura à vélo")
    assert first.stage == Stage.INITIATIVE
    assert first.current_version.number == 1
    assert first.slug == "rue-du-jura-a-velo"
    assert second.slug == "rue-du-jura-a-velo-2"
    assert first.current_version.meta == {
        "is_public": True,
        "territory": "strasbourg",
        "themes": ["mobilite"],
        **PROMISE,
    }
    assert Activity.objects.filter(verb="sheet.created", target_id=first.pk).exists()


@pytest.mark.parametrize("role", ["anonymous", "outsider", "reader", "official", "staff"])
def test_create_refused_below_contributor(make_workspace, role):
    workspace, actors = make_workspace()
    with pytest.raises(SheetPermissionDenied):
        make_sheet(workspace, actors[role])
    assert not ProjectSheet.objects.exists()


def test_update_creates_next_version_and_keeps_the_old_one(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=1, title="Nouveau titre", change_note="x"
    )
    assert sheet.current_version.number == 2
    assert sheet.title == "Nouveau titre"
    v1 = SheetVersion.objects.get(sheet=sheet, number=1)
    assert v1.title == "Piste cyclable"
    assert sheet.current_version.author == actors["editor"]
    assert sheet.current_version.change_note == "x"


def test_contributor_cannot_edit(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    with pytest.raises(SheetPermissionDenied):
        sheet_update(actor=actors["contributor"], sheet=sheet, base_version=1, title="x")


def test_two_editors_from_same_base_one_version_one_conflict(make_workspace):
    """GIVEN two editors who opened version 1 WHEN both save THEN the first makes version 2,
    the second gets a conflict naming version 2, and the first text is kept."""
    workspace, actors = make_workspace()
    other_editor = actors["owner"]
    sheet = make_sheet(workspace, actors["contributor"])
    sheet_update(actor=actors["editor"], sheet=sheet, base_version=1, body="Texte d'Éva\n")
    with pytest.raises(SheetConflict) as info:
        sheet_update(actor=other_editor, sheet=sheet, base_version=1, body="Texte d'Olivier\n")
    assert info.value.current_version == 2
    assert info.value.extra == {"current_version": 2}
    assert SheetVersion.objects.filter(sheet=sheet).count() == 2
    sheet.refresh_from_db(fields=["current_version"])
    assert sheet.current_version.body == "Texte d'Éva\n"


def test_unchanged_edit_is_refused(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    with pytest.raises(SheetUnchanged):
        sheet_update(actor=actors["editor"], sheet=sheet, base_version=1, title=sheet.title)


def test_settings_changes_are_versioned_and_restored(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    illkirch = Territory.objects.get(slug="illkirch-graffenstaden")
    env = Theme.objects.get(slug="environnement")
    sheet = sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        is_public=False,
        territory=illkirch,
        themes=[env],
    )
    assert sheet.current_version.meta == {
        "is_public": False,
        "territory": "illkirch-graffenstaden",
        "themes": ["environnement"],
        **PROMISE,
    }
    sheet = sheet_version_restore(actor=actors["editor"], sheet=sheet, number=1)
    sheet = ProjectSheet.objects.get(pk=sheet.pk)
    assert sheet.current_version.number == 3
    assert sheet.current_version.restored_from == 1
    assert sheet.is_public is True
    assert sheet.territory.slug == "strasbourg"
    assert [t.slug for t in sheet.themes.all()] == ["mobilite"]


def test_restore_copies_content_as_new_version(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"], sections={"context": "Avant"})
    sheet = sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        body="Autre",
        sections={"context": "Après"},
    )
    sheet = sheet_version_restore(actor=actors["editor"], sheet=sheet, number=1)
    assert sheet.current_version.number == 3
    assert sheet.current_version.body == "Première ligne\nDeuxième ligne\n"
    assert sheet.current_version.sections == {"context": "Avant"}
    assert SheetVersion.objects.filter(sheet=sheet).count() == 3
    with pytest.raises(SheetUnchanged):
        sheet_version_restore(actor=actors["editor"], sheet=sheet, number=3)


def test_later_stage_sections_open_only_when_reached(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    with pytest.raises(ValidationError) as info:
        sheet_update(
            actor=actors["editor"], sheet=sheet, base_version=1, sections={"questions": "Q ?"}
        )
    assert "questions" in info.value.message_dict
    with pytest.raises(ValidationError):
        make_sheet(workspace, actors["contributor"], sections={"decisions": "D"})
    sheet = _force_stage(sheet, Stage.CONSULTATION)
    sheet = sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        sections={
            "questions": "Q ?",
            "calendar_start": "2026-03-01",
            "calendar_end": "2026-04-01",
            "context": "Earlier stages stay editable",
        },
    )
    assert sheet.current_version.sections["questions"] == "Q ?"
    assert sheet.current_version.sections["context"] == "Earlier stages stay editable"
    with pytest.raises(ValidationError):
        sheet_update(
            actor=actors["editor"], sheet=sheet, base_version=2, sections={"budget": "10 k€"}
        )


def test_section_values_are_validated(make_workspace):
    workspace, actors = make_workspace()
    sheet = _force_stage(make_sheet(workspace, actors["contributor"]), Stage.REALISATION)
    with pytest.raises(ValidationError) as info:
        sheet_update(
            actor=actors["editor"],
            sheet=sheet,
            base_version=1,
            sections={"calendar_start": "demain", "budget_amount": "beaucoup"},
        )
    assert set(info.value.message_dict) == {"calendar_start", "budget_amount"}
    with pytest.raises(ValidationError):
        sheet_update(
            actor=actors["editor"],
            sheet=sheet,
            base_version=1,
            sections={"calendar_start": "2026-05-01", "calendar_end": "2026-04-01"},
        )
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=1, sections={"budget_amount": "12 500,5"}
    )
    assert sheet.current_version.sections["budget_amount"] == "12500.50"


@pytest.mark.parametrize("stage", [Stage.ARCHIVED, Stage.ABANDONED])
def test_closed_sheets_are_read_only(make_workspace, stage):
    workspace, actors = make_workspace()
    sheet = _force_stage(make_sheet(workspace, actors["contributor"]), stage)
    with pytest.raises(SheetReadOnly):
        sheet_update(actor=actors["owner"], sheet=sheet, base_version=1, title="x")
    with pytest.raises(SheetReadOnly):
        sheet_version_restore(actor=actors["owner"], sheet=sheet, number=1)


def test_versions_are_immutable(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    version = sheet.current_version
    version.title = "hack"
    with pytest.raises(ValidationError):
        version.save()


def test_create_validates_title_and_summary(make_workspace):
    workspace, actors = make_workspace()
    with pytest.raises(ValidationError):
        sheet_create(actor=actors["contributor"], workspace=workspace, title="", summary="x")
    with pytest.raises(ValidationError):
        sheet_create(actor=actors["contributor"], workspace=workspace, title="T", summary="")
    assert not ProjectSheet.objects.exists()
