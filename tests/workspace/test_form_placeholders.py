"""Workspace forms offer no Django "---------" placeholder (issue 11, item 6)."""

import pytest

from tests.pages import page_html

pytestmark = pytest.mark.django_db


def test_workspace_forms_have_no_dashes(make_workspace):
    workspace, actors = make_workspace()
    for url in ("/espaces/nouveau/", f"/espaces/{workspace.slug}/modifier/"):
        html = page_html(actors["owner"], url)
        assert "---------" not in html
    create = page_html(actors["owner"], "/espaces/nouveau/")
    assert '<option value="citizen_group" selected>' in create


def test_member_invite_asks_for_an_email_address(make_workspace):
    workspace, actors = make_workspace()
    html = page_html(actors["owner"], f"/espaces/{workspace.slug}/membres/")
    assert 'type="email" name="email"' in html
