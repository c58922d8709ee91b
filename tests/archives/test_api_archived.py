"""GET /api/v1/sheets/: the default list leaves the ended sheets (archived, abandoned) out;
`archived=true` lists them, `archived=false` the ones under way; other filters keep working."""

import pytest

from projects.models import ProjectSheet, Stage
from workspace.models import Workspace

from ..conftest import client_for
from ..projects.factories import make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(make_workspace):
    workspace, actors = make_workspace()
    made = {}
    for stage in Stage.values:
        sheet = make_sheet(workspace, actors["contributor"], title=f"Projet {stage}")
        ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
        made[stage] = sheet.pk
    return made


def ids(query: str, user=None) -> set[int]:
    response = client_for(user).get(f"/api/v1/sheets/?{query}")
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_the_default_list_leaves_the_ended_sheets_out(sheets):
    under_way = {sheets[s] for s in ("initiative", "consultation", "realisation", "evaluation")}
    assert ids("") == under_way
    assert ids("archived=false") == under_way
    assert ids("archived=0") == under_way


def test_archived_true_lists_archived_and_abandoned(sheets):
    assert ids("archived=true") == {sheets["archived"], sheets["abandoned"]}
    assert ids("archived=1&stage=abandoned") == {sheets["abandoned"]}
    assert ids("archived=true&stage=consultation") == set()


def test_a_named_stage_still_lists_its_sheets(sheets):
    assert ids("stage=archived") == {sheets["archived"]}
    assert ids("stage=consultation") == {sheets["consultation"]}


def test_other_filters_combine_with_archived(sheets):
    ProjectSheet.objects.filter(pk=sheets["archived"]).update(participation_level="co_decide")
    assert ids("archived=true&participation_level=co_decide") == {sheets["archived"]}
    assert ids("archived=true&q=abandoned") == {sheets["abandoned"]}
    assert ids("archived=true&territory=strasbourg&theme=mobilite") == {
        sheets["archived"],
        sheets["abandoned"],
    }


@pytest.mark.parametrize("value", ["yes", "maybe", "vrai", "truee", "x" * 300])
def test_a_bad_archived_value_is_a_400_in_french(sheets, value):
    response = client_for(None).get(f"/api/v1/sheets/?archived={value}")
    assert response.status_code == 400
    assert "archived" in response.json()


def test_a_private_workspaces_archived_sheet_stays_unknown_to_outsiders(make_workspace):
    workspace, actors = make_workspace(visibility=Workspace.Visibility.PRIVATE)
    sheet = make_sheet(workspace, actors["contributor"], title="Projet caché")
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=Stage.ARCHIVED)
    assert ids("archived=true") == set()
    assert ids("archived=true", actors["outsider"]) == set()
    assert ids("archived=true", actors["reader"]) == {sheet.pk}
