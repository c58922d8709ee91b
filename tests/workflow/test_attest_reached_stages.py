"""The panel offers to attest only items of the current or past stages (issue 11, item 6)."""

import pytest
from django.test import Client

from projects.models import ProjectSheet
from workflow.selectors import stage_reached

from .factories import make_sheet

pytestmark = pytest.mark.django_db


def _panel(user, sheet) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/fiches/{sheet.pk}/").content.decode()


def test_future_stage_items_have_no_attest_form(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    html = _panel(actors["staff"], sheet)
    assert f"/suivi/fiches/{sheet.pk}/attestations/plain_language/" in html
    for later in ("accessible_restitution", "participants_evaluation"):
        assert f"/suivi/fiches/{sheet.pk}/attestations/{later}/" not in html


def test_items_of_past_stages_stay_attestable(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="realisation")
    sheet.refresh_from_db()
    html = _panel(actors["staff"], sheet)
    assert f"/suivi/fiches/{sheet.pk}/attestations/plain_language/" in html
    assert f"/suivi/fiches/{sheet.pk}/attestations/accessible_restitution/" in html
    assert f"/suivi/fiches/{sheet.pk}/attestations/participants_evaluation/" not in html


def test_stage_reached_order(make_workspace):
    workspace, _actors = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="consultation")
    sheet.refresh_from_db()
    assert stage_reached(sheet=sheet, stage="initiative")
    assert stage_reached(sheet=sheet, stage="consultation")
    assert not stage_reached(sheet=sheet, stage="realisation")
