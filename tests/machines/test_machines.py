"""`machines`: a new state machine is one table. A toy machine is declared here, on the
sheet's state field but with its own transitions, rules, gate, errors and hooks, and the generic
runner does the rest: lock, rule, note, graph, gate, move, save, log, event."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from config.api import status_for
from errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from events.models import Activity
from machines import (
    Machine,
    Refusal,
    Refusals,
    Step,
    Transition,
    machine_install,
    machine_run,
    machine_verbs_register,
)
from projects.models import ProjectSheet
from tests.factories import SheetFactory, UserFactory

pytestmark = pytest.mark.django_db


class ToyUnknown(NotFoundError):
    code = "toy_unknown"


class ToyForbidden(ForbiddenError):
    code = "toy_forbidden"


class ToyNoteRequired(DomainError):
    code = "toy_note"


class ToyConflict(ConflictError):
    code = "toy_conflict"


class ToyGated(ConflictError):
    code = "toy_gated"


@dataclass(frozen=True)
class Lack:
    code: str
    label: str


def superuser_only(user, obj) -> bool:
    return bool(user.is_superuser)


def anyone(user, obj) -> bool:
    return True


def title_is_final(sheet, context) -> list[Lack]:
    return [Lack("final_title", "Le titre est définitif")] if "brouillon" in sheet.title else []


def keep_note(sheet, *, note: str, **kwargs) -> None:
    sheet.abandon_reason = note


LOCKS: list[bool] = []
LOG: list[Step] = []


def lock(queryset: QuerySet) -> QuerySet:
    LOCKS.append(connection.in_atomic_block)
    return queryset.select_for_update()


REFUSALS = Refusals(
    unknown=Refusal(ToyUnknown, "Inconnue : %(name)s."),
    forbidden=Refusal(ToyForbidden, "Interdit."),
    note_required=Refusal(ToyNoteRequired, "Un motif, svp."),
    unavailable=Refusal(ToyConflict, "Pas depuis « %(stage)s »."),
    gated=Refusal(ToyGated, "Il manque des choses."),
    stale=Refusal(ToyConflict, "Déjà « %(stage)s »."),
    concurrent=Refusal(ToyConflict, "Bougé."),
)

TOY = Machine(
    name="toy",
    model=ProjectSheet,
    state_field="stage",
    transitions=(
        Transition(
            "freeze",
            source=("initiative",),
            target="archived",
            label="Geler",
            verb="a gelé la fiche",
            may=superuser_only,
            gate=title_is_final,
        ),
        Transition(
            "thaw",
            source=("archived",),
            target="initiative",
            label="Dégeler vers « %(target)s »",
            verb="a dégelé la fiche",
            may=anyone,
            note_required=True,
            writes=("abandon_reason",),
            effect=keep_note,
        ),
    ),
    refusals=REFUSALS,
    state_label=lambda state: state.upper(),
    lock=lock,
    context=lambda sheet: {"judged": sheet.stage},
    log=LOG.append,
    event_data=lambda step: {"context": step.context},
)
machine_verbs_register(TOY)


@pytest.fixture(autouse=True)
def _fresh_hooks():
    LOCKS.clear()
    LOG.clear()


def stage_of(sheet) -> str:
    return ProjectSheet.objects.values_list("stage", flat=True).get(pk=sheet.pk)


def test_a_run_locks_moves_saves_logs_and_records_the_event():
    sheet = SheetFactory(title="Fiche finale")
    boss = UserFactory(is_superuser=True)
    with CaptureQueriesContext(connection) as queries:
        moved = machine_run(TOY, actor=boss, obj=sheet, name="freeze", note="  Gelée.  ")
    if connection.features.has_select_for_update:  # PostgreSQL: the row lock is in the SQL
        assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)
    assert moved.stage == stage_of(sheet) == "archived"
    assert LOCKS == [True]  # the row was locked inside the run's transaction
    [step] = LOG
    assert (step.source, step.target, step.note, step.actor) == (
        "initiative",
        "archived",
        "Gelée.",
        boss,
    )
    assert step.context == {"judged": "initiative"}  # read on the locked row, before the move
    activity = Activity.objects.get(verb="toy.freeze")
    assert activity.actor == boss and activity.target_id == sheet.pk
    assert activity.data == {
        "from": "initiative",
        "to": "archived",
        "note": "Gelée.",
        "context": {"judged": "initiative"},
    }


def test_the_rule_refuses_and_nothing_is_written():
    sheet = SheetFactory(title="Fiche finale")
    with pytest.raises(ToyForbidden) as raised:
        machine_run(TOY, actor=UserFactory(), obj=sheet, name="freeze")
    assert status_for(raised.value) == 403 and raised.value.message == "Interdit."
    assert stage_of(sheet) == "initiative"
    assert not LOG and not Activity.objects.filter(verb="toy.freeze").exists()


def test_the_gate_lists_what_is_missing():
    sheet = SheetFactory(title="Fiche brouillon")
    with pytest.raises(ToyGated) as raised:
        machine_run(TOY, actor=UserFactory(is_superuser=True), obj=sheet, name="freeze")
    assert status_for(raised.value) == 409
    assert raised.value.extra["missing"] == [
        {"code": "final_title", "label": "Le titre est définitif"}
    ]
    assert stage_of(sheet) == "initiative" and not LOG


@pytest.mark.parametrize("note", ["", "   "])
def test_a_required_note_is_required(note):
    sheet = SheetFactory(stage="archived")
    with pytest.raises(ToyNoteRequired) as raised:
        machine_run(TOY, actor=UserFactory(), obj=sheet, name="thaw", note=note)
    assert status_for(raised.value) == 400
    assert stage_of(sheet) == "archived"


def test_a_transition_effect_is_validated_and_saved():
    sheet = SheetFactory(stage="archived")
    machine_run(TOY, actor=UserFactory(), obj=sheet, name="thaw", note="On reprend.")
    sheet.refresh_from_db()
    assert (sheet.stage, sheet.abandon_reason) == ("initiative", "On reprend.")
    assert Activity.objects.get(verb="toy.thaw").data["to"] == "initiative"


def test_unknown_unavailable_and_stale_are_refused_by_kind():
    sheet = SheetFactory()
    boss = UserFactory(is_superuser=True)
    with pytest.raises(ToyUnknown) as unknown:
        machine_run(TOY, actor=boss, obj=sheet, name="open_consultation")
    assert (
        status_for(unknown.value) == 404
        and unknown.value.message == "Inconnue : open_consultation."
    )
    with pytest.raises(ToyConflict) as unavailable:
        machine_run(TOY, actor=boss, obj=sheet, name="thaw", note="x")
    assert unavailable.value.message == "Pas depuis « INITIATIVE »."
    with pytest.raises(ToyConflict) as stale:
        machine_run(TOY, actor=boss, obj=sheet, name="freeze", expected_state="archived")
    assert stale.value.message == "Déjà « INITIATIVE »."
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="archived")  # moved behind our back
    with pytest.raises(ToyConflict) as moved:
        machine_run(TOY, actor=boss, obj=sheet, name="freeze")
    assert moved.value.message == "Déjà « ARCHIVED »."
    assert not LOG


def test_derived_reads_target_available_and_verbs():
    sheet = SheetFactory(stage="archived")
    assert TOY.target(sheet, "thaw") == "initiative"
    assert TOY.target(sheet, "freeze") is None
    assert TOY.target(sheet, "nope") is None
    [option] = TOY.available(UserFactory(), sheet)
    assert option == {
        "name": "thaw",
        "label": "Dégeler vers « INITIATIVE »",
        "target": "initiative",
        "allowed": True,
        "permitted": True,
        "note_required": True,
        "note_offered": True,
        "missing": [],
        "final": False,  # "freeze" leads back out of "initiative"
    }
    assert TOY.is_final("archived") is False and TOY.is_final("nowhere") is True
    assert [v.name for v in TOY.verbs()] == ["toy.freeze", "toy.thaw"]
    assert TOY.edges() == [("initiative", "freeze", "archived"), ("archived", "thaw", "initiative")]


def test_the_toy_table_is_not_attached_to_the_model():
    """The runner uses the machine's own FSM methods: only `machine_install` touches a model."""
    assert not hasattr(ProjectSheet, "freeze") and not hasattr(ProjectSheet, "thaw")


def test_install_never_replaces_what_the_model_has():
    clash = Machine(
        name="clash",
        model=ProjectSheet,
        state_field="stage",
        transitions=(Transition("save", ("initiative",), "archived", "x", "x", may=anyone),),
        refusals=REFUSALS,
    )
    original = ProjectSheet.save
    with pytest.raises(ImproperlyConfigured):
        machine_install(clash)
    assert ProjectSheet.save is original


def test_a_badly_declared_table_fails_at_declaration():
    row = Transition("go", ("initiative",), "archived", "x", "x", may=anyone)
    with pytest.raises(ImproperlyConfigured):  # twice the same name
        Machine("bad", ProjectSheet, "stage", (row, row), REFUSALS)
    with pytest.raises(ImproperlyConfigured):  # a state the field does not have
        Machine(
            "bad",
            ProjectSheet,
            "stage",
            (Transition("go", ("initiative",), "nowhere", "x", "x", may=anyone),),
            REFUSALS,
        )
    with pytest.raises(ImproperlyConfigured):  # not on an FSM field
        Machine("bad", ProjectSheet, "title", (row,), REFUSALS)
    with pytest.raises(ImproperlyConfigured):  # an error of the wrong kind (not a 404)
        Refusals(**{**vars(REFUSALS), "unknown": Refusal(ToyConflict, "x")})
