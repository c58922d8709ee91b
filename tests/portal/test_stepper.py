"""The sheet page's stepper and how it shows a project that ended (issue 11, item 7): "Étape 2
sur 4 : Concertation"; an archived project has passed all four; an abandoned one says at which
stage, when, and why, in the page and not only in the history."""

import pytest
from django.test import Client

from projects.models import ProjectSheet
from tests.workflow.factories import make_ready, make_sheet

pytestmark = pytest.mark.django_db


def page(sheet) -> str:
    response = Client().get(sheet.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("stage", "says"),
    [
        ("initiative", "Étape 1 sur 4 : Initiative"),
        ("consultation", "Étape 2 sur 4 : Concertation"),
        ("evaluation", "Étape 4 sur 4 : Évaluation"),
        ("archived", "Projet terminé : ses 4 étapes sont passées, il est archivé."),
    ],
)
def test_stepper_says_where_the_project_is(make_workspace, stage, says):
    workspace, _actors = make_workspace()
    html = page(make_sheet(workspace=workspace, stage=stage))
    assert says in html
    assert html.count('aria-current="step"') == (0 if stage == "archived" else 1)


def test_an_abandoned_project_says_where_when_and_why(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_ready(sheet, "initiative")
    staff = Client()
    staff.force_login(actors["staff"])
    reason = "Le terrain est vendu <sans appel>."
    staff.post(
        f"/suivi/fiches/{sheet.pk}/transitions/abandon/",
        {"note": reason, "stage": "initiative", "confirmed": "1"},
    )
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "abandoned"
    html = page(sheet)
    assert "Projet abandonné à l'étape 1 sur 4 : Initiative" in html
    assert "Ce projet a été abandonné le " in html
    assert "Le terrain est vendu &lt;sans appel&gt;." in html
    assert 'class="stage-stopped"' in html and 'aria-current="step"' not in html


def test_an_abandoned_sheet_without_its_log_still_says_so(make_workspace):
    """Old data: abandoned before the log existed (or imported): no stage to name, no 500."""
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="abandoned")
    html = page(sheet)
    assert "Projet abandonné" in html and "Ce projet a été abandonné." in html
