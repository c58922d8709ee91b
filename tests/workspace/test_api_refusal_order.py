"""Who may act is decided before what they sent is read: a bad body tells an outsider nothing."""

import pytest

from ..conftest import client_for

pytestmark = pytest.mark.django_db

BAD_BODY = {"kind": "nope", "visibility": "nowhere"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("reader", 403),
        ("contributor", 403),
        ("editor", 403),
        ("owner", 400),
    ],
)
def test_workspace_patch_with_a_bad_body(make_workspace, role, status):
    workspace, actors = make_workspace()
    response = client_for(actors[role]).patch(
        f"/api/v1/workspaces/{workspace.slug}/", BAD_BODY, format="json"
    )
    assert response.status_code == status
    workspace.refresh_from_db()
    assert workspace.kind == "citizen_group"
