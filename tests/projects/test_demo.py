"""The demo sheets: several stages, idempotent, and the Jura sheet waits only for its framing."""

import pytest

from accounts import demo as accounts_demo
from documents import demo as documents_demo
from errors import ConflictError
from projects import demo
from projects.models import ProjectSheet, Stage
from projects.services import framing_note_create
from workflow import demo as workflow_demo
from workflow import services as workflow
from workspace import demo as workspace_demo

pytestmark = pytest.mark.django_db


def test_seed_creates_sheets_at_several_stages_and_is_idempotent():
    accounts_demo.seed()
    workspace_demo.seed()
    assert demo.seed() == len(demo.SHEETS)
    assert demo.seed() == 0
    jura = ProjectSheet.objects.get(slug="piste-cyclable-rue-du-jura")
    assert jura.workspace.slug == "collectif-velo-neudorf"
    assert jura.is_public and jura.stage == Stage.INITIATIVE
    assert len(jura.current_version.summary) >= 300
    assert jura.territory.slug == "strasbourg"
    assert [t.slug for t in jura.themes.all()] == ["mobilite"]
    assert jura.current_version.number == 2
    assert documents_demo.seed() > 0
    assert workflow_demo.seed() == len(workflow_demo.PATHS)
    assert workflow_demo.seed() == 0
    stages = set(ProjectSheet.objects.values_list("stage", flat=True))
    assert {"initiative", "consultation", "realisation", "evaluation", "abandoned"} <= stages
    agent = accounts_demo.demo_user("agent@demo.fabrique.test")
    with pytest.raises(ConflictError) as refused:
        workflow.sheet_transition(actor=agent, sheet=jura, name="open_consultation")
    assert [m["code"] for m in refused.value.extra["missing"]] == ["framing_published"]
    framing_note_create(
        actor=accounts_demo.demo_user("elue@demo.fabrique.test"),
        sheet=jura,
        publish=True,
        **demo.FRAMING,
    )
    jura = workflow.sheet_transition(actor=agent, sheet=jura, name="open_consultation")
    assert jura.stage == Stage.CONSULTATION
