"""The transition matrix over HTTP: every transition × role × checklist state × framing state,
through the API a client uses, and the transition list agreeing with what a POST then does."""

import pytest

from projects.models import ProjectSheet
from workflow.errors import TransitionGated, TransitionNotAllowed
from workflow.models import TransitionLog

from ..conftest import client_for
from .test_transitions import ROLES, SOURCE, TARGET, arrange

pytestmark = pytest.mark.django_db


def _status(expected, role) -> int:
    if expected is None:
        return 200
    if role == "anonymous":
        return 401
    return {TransitionNotAllowed: 403, TransitionGated: 409}[expected]


@pytest.mark.parametrize("framing", ["none", "draft", "published"])
@pytest.mark.parametrize("complete", [True, False], ids=["complete", "incomplete"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(SOURCE))
def test_transition_matrix_over_http(make_workspace, name, role, complete, framing):
    actor, sheet, expected = arrange(make_workspace, name, role, complete, framing)
    client = client_for(actor)

    # What the caller is shown before acting is what then happens.
    listed = client.get(f"/api/v1/sheets/{sheet.pk}/transitions/")
    assert listed.status_code == 200
    option = next(o for o in listed.json() if o["name"] == name)
    assert option["target"] == TARGET[name]
    if role != "anonymous":
        assert option["allowed"] is (expected is None)

    note = {"note": "Le projet ne peut aboutir."} if name in {"abandon", "step_back"} else {}
    response = client.post(f"/api/v1/sheets/{sheet.pk}/transitions/{name}/", note, format="json")
    assert response.status_code == _status(expected, role), response.content
    body = response.json()
    stage = ProjectSheet.objects.get(pk=sheet.pk).stage
    if expected is None:
        assert body["stage"] == TARGET[name] == stage
        assert TransitionLog.objects.filter(sheet=sheet, name=name).count() == 1
    else:
        assert stage == SOURCE[name]
        assert not TransitionLog.objects.filter(sheet=sheet).exists()
        assert body["detail"]
    if expected is TransitionGated:
        assert body["missing"] and all(m["code"] and m["label"] for m in body["missing"])
        assert [m["code"] for m in body["missing"]] == option["missing"]
