"""The stage table (`workflow.machine`) against an independent statement of the graph, and
what is derived from it: django-fsm-2's methods and introspection, verbs, labels, rules."""

import pytest
from django_fsm import can_proceed

from events.registry import verb_get
from projects.models import ProjectSheet
from workflow.machine import GATED_TRANSITIONS, NOTE_REQUIRED_TRANSITIONS, SHEET_STAGES
from workflow.permissions import can_run_transition

from .factories import make_sheet
from .test_transitions import SOURCE, TARGET

# The stage graph as the product describes it (DESIGN.md), written out by hand.
EDGES = {
    ("initiative", "open_consultation", "consultation"),
    ("consultation", "start_realisation", "realisation"),
    ("realisation", "start_evaluation", "evaluation"),
    ("evaluation", "archive", "archived"),
    ("initiative", "abandon", "abandoned"),
    ("consultation", "abandon", "abandoned"),
    ("realisation", "abandon", "abandoned"),
    ("evaluation", "abandon", "abandoned"),
    ("consultation", "step_back", "initiative"),
    ("realisation", "step_back", "consultation"),
    ("evaluation", "step_back", "realisation"),
}
# Per stage, what django-fsm-2 says is available on the model.
AVAILABLE = {
    "initiative": {"open_consultation", "abandon"},
    "consultation": {"start_realisation", "abandon", "step_back"},
    "realisation": {"start_evaluation", "abandon", "step_back"},
    "evaluation": {"archive", "abandon", "step_back"},
    "archived": set(),
    "abandoned": set(),
}


def test_the_table_declares_exactly_the_graph():
    assert set(SHEET_STAGES.edges()) == EDGES
    assert set(GATED_TRANSITIONS) == {
        "open_consultation",
        "start_realisation",
        "start_evaluation",
        "archive",
    }
    assert set(NOTE_REQUIRED_TRANSITIONS) == {"abandon", "step_back"}


def test_every_declared_transition_has_an_oracle_in_the_matrix():
    """A transition added to the table fails here until the matrix tests say what it does."""
    assert set(SHEET_STAGES.names) == set(SOURCE) == set(TARGET)


def test_every_declared_transition_has_a_labelled_verb():
    for name in SHEET_STAGES.names:
        verb = verb_get(f"sheet.{name}")
        assert verb.label and not verb.private


def test_the_model_carries_the_methods_built_from_the_table():
    for name in SHEET_STAGES.names:
        assert getattr(ProjectSheet, name) is SHEET_STAGES.methods[name]
    field = ProjectSheet._meta.get_field("stage")
    assert set(field.transitions[ProjectSheet]) == set(SHEET_STAGES.names)
    listed = {(t.source, t.name, str(t.target)) for t in ProjectSheet().get_all_stage_transitions()}
    # step_back's target is computed (GET_STATE); the other edges are listed as they are.
    assert {edge for edge in listed if edge[1] != "step_back"} == {
        edge for edge in EDGES if edge[1] != "step_back"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("stage", list(AVAILABLE))
def test_django_fsm_sees_the_graph_from_every_stage(make_workspace, stage):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace, stage=stage)
    assert {t.name for t in sheet.get_available_stage_transitions()} == AVAILABLE[stage]
    for name in SHEET_STAGES.names:
        assert can_proceed(getattr(sheet, name)) is (name in AVAILABLE[stage])


@pytest.mark.django_db
def test_options_carry_the_labels_and_the_note_fields(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="evaluation")
    options = {o["name"]: o for o in SHEET_STAGES.available(actors["staff"], sheet)}
    assert {name: o["label"] for name, o in options.items()} == {
        "archive": "Archiver le projet",
        "abandon": "Abandonner le projet",
        "step_back": "Revenir à l'étape « Réalisation »",
    }
    assert {name: (o["note_required"], o["note_offered"]) for name, o in options.items()} == {
        "archive": (False, True),
        "abandon": (True, True),
        "step_back": (True, True),
    }


@pytest.mark.django_db
def test_can_run_transition_refuses_unknown_names(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    assert can_run_transition(actors["staff"], sheet, "abandon")
    assert not can_run_transition(actors["staff"], sheet, "save")
    assert not can_run_transition(actors["staff"], sheet, "delete")
