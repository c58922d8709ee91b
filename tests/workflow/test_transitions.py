"""The transition service: who may run what, the checklist and framing gates, log and effects."""

import threading

import pytest
from django.db import close_old_connections

from config.api import status_for
from events.models import Activity
from projects.models import ProjectSheet
from tests.factories import UserFactory
from workflow.errors import (
    TransitionGated,
    TransitionInvalid,
    TransitionNotAllowed,
    TransitionNoteRequired,
    UnknownTransition,
)
from workflow.models import TransitionLog
from workflow.services import sheet_transition
from workspace.models import Membership, Role

from .factories import (
    add_version,
    make_framing,
    make_ready,
    make_sheet,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "reader",
    "contributor",
    "editor",
    "owner",
    "institution_owner",
    "official",
    "staff",
]
SOURCE = {
    "open_consultation": "initiative",
    "start_realisation": "consultation",
    "start_evaluation": "realisation",
    "archive": "evaluation",
    "abandon": "consultation",
    "step_back": "consultation",
}
TARGET = {
    "open_consultation": "consultation",
    "start_realisation": "realisation",
    "start_evaluation": "evaluation",
    "archive": "archived",
    "abandon": "abandoned",
    "step_back": "initiative",
}
# Which transitions' gates read the framing note (consultation opens with it, and the
# consultation stage's checklist includes it).
FRAMING_GATED = {"open_consultation", "start_realisation"}
GATED = {"open_consultation", "start_realisation", "start_evaluation", "archive"}


def _actor(make_workspace, role):
    if role == "institution_owner":
        workspace, actors = make_workspace(kind="institution")
        return workspace, actors["owner"]
    workspace, actors = make_workspace()
    return workspace, actors[role]


def _expected(name, role, complete, framing):
    permitted = role == "staff" or (
        role == "institution_owner"
        and name in {"open_consultation", "start_realisation", "start_evaluation"}
    )
    if not permitted:
        return TransitionNotAllowed
    if name in GATED and (not complete or (name in FRAMING_GATED and framing != "published")):
        return TransitionGated
    return None


def arrange(make_workspace, name, role, complete, framing):
    """One cell of the matrix: the actor, a sheet at the transition's source stage with the
    given checklist and framing state, and the error expected (None when it must succeed)."""
    workspace, actor = _actor(make_workspace, role)
    sheet = make_sheet(workspace=workspace, stage=SOURCE[name], complete=complete)
    if complete:
        make_ready(sheet, SOURCE[name])
    if framing != "none":
        make_framing(sheet, published=framing == "published")
    return actor, sheet, _expected(name, role, complete, framing)


@pytest.mark.parametrize("framing", ["none", "draft", "published"])
@pytest.mark.parametrize("complete", [True, False], ids=["complete", "incomplete"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(SOURCE))
def test_transition_matrix(make_workspace, name, role, complete, framing):
    """GIVEN a sheet at the transition's source stage, a role, a checklist and framing state
    WHEN the role runs the transition
    THEN it succeeds only for permitted roles with a complete checklist (and published framing
    where it gates), else 403-like TransitionNotAllowed or 409-like TransitionGated."""
    actor, sheet, expected = arrange(make_workspace, name, role, complete, framing)
    note = "Le projet ne peut aboutir." if name in {"abandon", "step_back"} else ""

    if expected is None:
        result = sheet_transition(actor=actor, sheet=sheet, name=name, note=note)
        assert result.stage == TARGET[name]
        assert ProjectSheet.objects.get(pk=sheet.pk).stage == TARGET[name]
        assert TransitionLog.objects.filter(sheet=sheet, name=name).count() == 1
    else:
        with pytest.raises(expected) as raised:
            sheet_transition(actor=actor, sheet=sheet, name=name, note=note)
        assert ProjectSheet.objects.get(pk=sheet.pk).stage == SOURCE[name]
        assert not TransitionLog.objects.filter(sheet=sheet).exists()
        if expected is TransitionGated:
            codes = [m["code"] for m in raised.value.missing]
            assert codes
            if complete:  # only the framing is missing
                assert codes == ["framing_published"] or set(codes) == {
                    "framing_published",
                    "participation_level",
                }


def test_gated_error_lists_exactly_the_missing_items(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(
        workspace=workspace,
        complete=True,
        sections={"context": "x", "objectives": "y"},  # no initiators_contact
    )
    with pytest.raises(TransitionGated) as raised:
        sheet_transition(actor=actors["staff"], sheet=sheet, name="open_consultation")
    assert status_for(raised.value) == 409
    assert [m["code"] for m in raised.value.missing] == [
        "initiators_contact",
        "plain_language",
        "framing_published",
    ]
    assert all(m["label"] for m in raised.value.missing)


def test_piste_cyclable_story_open_consultation_waits_for_framing(make_workspace):
    """Everything ready except the framing: refused; the official publishes; then it opens."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    with pytest.raises(TransitionGated) as raised:
        sheet_transition(actor=actors["staff"], sheet=sheet, name="open_consultation")
    assert [m["code"] for m in raised.value.missing] == ["framing_published"]
    make_framing(sheet, author=actors["official"])
    assert sheet_transition(actor=actors["staff"], sheet=sheet, name="open_consultation").stage == (
        "consultation"
    )


@pytest.mark.parametrize("name", ["abandon", "step_back"])
@pytest.mark.parametrize("note", ["", "   "])
def test_abandon_and_step_back_need_a_note(make_workspace, name, note):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    with pytest.raises(TransitionNoteRequired) as raised:
        sheet_transition(actor=actors["staff"], sheet=sheet, name=name, note=note)
    assert status_for(raised.value) == 400
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "consultation"


def test_abandon_records_the_public_reason(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="realisation")
    sheet_transition(actor=actors["staff"], sheet=sheet, name="abandon", note="Budget supprimé.")
    sheet.refresh_from_db()
    assert sheet.stage == "abandoned"
    assert sheet.abandon_reason == "Budget supprimé."


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("consultation", "initiative"),
        ("realisation", "consultation"),
        ("evaluation", "realisation"),
    ],
)
def test_step_back_goes_exactly_one_stage_back(make_workspace, source, target):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage=source)
    result = sheet_transition(actor=actors["staff"], sheet=sheet, name="step_back", note="Oubli.")
    assert result.stage == target
    log = TransitionLog.objects.get(sheet=sheet)
    assert (log.from_stage, log.to_stage) == (source, target)


@pytest.mark.parametrize(
    ("stage", "name"),
    [
        ("initiative", "step_back"),
        ("initiative", "start_realisation"),
        ("consultation", "open_consultation"),
        ("archived", "abandon"),
        ("abandoned", "step_back"),
        ("archived", "step_back"),
        ("realisation", "archive"),
    ],
)
def test_transition_unavailable_from_stage_is_a_conflict(make_workspace, stage, name):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage=stage, complete=True)
    with pytest.raises(TransitionInvalid) as raised:
        sheet_transition(actor=actors["staff"], sheet=sheet, name=name, note="motif")
    assert status_for(raised.value) == 409
    assert not isinstance(raised.value, TransitionNoteRequired)


def test_unknown_transition(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    with pytest.raises(UnknownTransition):
        sheet_transition(actor=actors["staff"], sheet=sheet, name="delete")


def test_log_records_actor_version_note_and_checklist_snapshot(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    make_framing(sheet)
    version = add_version(sheet, title="Titre revu")
    sheet_transition(
        actor=actors["staff"], sheet=sheet, name="open_consultation", note="C'est parti."
    )
    log = TransitionLog.objects.get(sheet=sheet)
    assert log.actor == actors["staff"]
    assert (log.name, log.from_stage, log.to_stage) == (
        "open_consultation",
        "initiative",
        "consultation",
    )
    assert log.note == "C'est parti."
    assert log.version_id == version.pk and log.version_number == 2
    initiative = next(s for s in log.checklist_snapshot if s["stage"] == "initiative")
    assert initiative["completeness"] == 100
    assert all(item["satisfied"] for item in initiative["items"])
    activity = Activity.objects.get(verb="sheet.open_consultation")
    assert activity.actor == actors["staff"] and activity.data["version"] == 2


def test_log_is_append_only(make_workspace):
    from django.core.exceptions import ValidationError

    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    sheet_transition(actor=actors["staff"], sheet=sheet, name="step_back", note="Oubli.")
    log = TransitionLog.objects.get(sheet=sheet)
    with pytest.raises(ValidationError):
        log.save()
    with pytest.raises(ValidationError):
        log.delete()


def test_institution_owner_only_on_own_workspace_sheets(make_workspace):
    institution, actors = make_workspace(kind="institution")
    other, _ = make_workspace(kind="institution")
    sheet = make_sheet(workspace=other, complete=True)
    make_ready(sheet, "initiative")
    make_framing(sheet)
    with pytest.raises(TransitionNotAllowed):
        sheet_transition(actor=actors["owner"], sheet=sheet, name="open_consultation")


def test_institution_editor_may_not(make_workspace):
    institution, actors = make_workspace(kind="institution")
    sheet = make_sheet(workspace=institution, complete=True)
    make_ready(sheet, "initiative")
    make_framing(sheet)
    with pytest.raises(TransitionNotAllowed):
        sheet_transition(actor=actors["editor"], sheet=sheet, name="open_consultation")


def test_inactive_staff_may_not(make_workspace):
    workspace, actors = make_workspace()
    staff = actors["staff"]
    staff.is_active = False
    staff.save()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    with pytest.raises(TransitionNotAllowed):
        sheet_transition(actor=staff, sheet=sheet, name="abandon", note="x")


def test_checklist_is_rechecked_inside_the_service_not_trusted_from_caller(make_workspace):
    """A stale in-memory sheet (complete when loaded) is judged on the database state."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    make_framing(sheet)
    add_version(sheet, summary="Trop court.")  # the caller's object still holds version 1
    with pytest.raises(TransitionGated) as raised:
        sheet_transition(actor=actors["staff"], sheet=sheet, name="open_consultation")
    assert [m["code"] for m in raised.value.missing] == ["summary_length"]


def test_a_transition_queues_the_sheet_for_the_search_index(make_workspace):
    """The stage is indexed: the outbox row is written in the transition's transaction."""
    from django.contrib.contenttypes.models import ContentType

    from search.models import IndexOutbox

    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    queued = IndexOutbox.objects.filter(
        content_type=ContentType.objects.get_for_model(ProjectSheet), object_id=str(sheet.pk)
    )
    queued.delete()
    sheet_transition(actor=actors["staff"], sheet=sheet, name="step_back", note="Oubli.")
    assert queued.exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "names", [("abandon", "abandon"), ("abandon", "step_back"), ("start_realisation", "abandon")]
)
def test_two_simultaneous_transitions_exactly_one_succeeds(make_workspace, names):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation", complete=True)
    make_ready(sheet, "consultation")
    make_framing(sheet)
    staff_a, staff_b = actors["staff"], UserFactory(platform_role="staff")
    barrier = threading.Barrier(2)
    outcomes: list = []

    def run(actor, name):
        try:
            barrier.wait()
            sheet_transition(
                actor=actor,
                sheet=ProjectSheet.objects.get(pk=sheet.pk),
                name=name,
                note="En même temps.",
            )
            outcomes.append("ok")
        except (TransitionInvalid, TransitionGated) as error:
            outcomes.append(type(error).__name__)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=run, args=(staff_a, names[0])),
        threading.Thread(target=run, args=(staff_b, names[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["TransitionInvalid", "ok"]
    assert TransitionLog.objects.filter(sheet=sheet).count() == 1
    final = ProjectSheet.objects.get(pk=sheet.pk).stage
    assert final == TransitionLog.objects.get(sheet=sheet).to_stage


def test_membership_change_does_not_leak_role_cache(make_workspace):
    """Institution owner demoted to editor loses the right (fresh user object per request)."""
    institution, actors = make_workspace(kind="institution")
    sheet = make_sheet(workspace=institution, stage="realisation", complete=True)
    make_ready(sheet, "realisation")
    Membership.objects.filter(user=actors["owner"]).update(role=Role.EDITOR)
    owner = type(actors["owner"]).objects.get(pk=actors["owner"].pk)
    with pytest.raises(TransitionNotAllowed):
        sheet_transition(actor=owner, sheet=sheet, name="start_evaluation")
