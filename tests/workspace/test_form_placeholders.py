"""Workspace forms offer no Django "---------" placeholder (issue 11, item 6)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_workspace_forms_have_no_dashes(make_workspace):
    workspace, actors = make_workspace()
    for url in ("/espaces/nouveau/", f"/espaces/{workspace.slug}/modifier/"):
        html = _page(actors["owner"], url)
        assert "---------" not in html
    create = _page(actors["owner"], "/espaces/nouveau/")
    assert '<option value="citizen_group" selected>' in create


def test_member_invite_asks_for_an_email_address(make_workspace):
    workspace, actors = make_workspace()
    html = _page(actors["owner"], f"/espaces/{workspace.slug}/membres/")
    assert 'type="email" name="email"' in html
