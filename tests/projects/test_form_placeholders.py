"""Sheet and framing-note forms offer no Django "---------" placeholder (issue 11, item 6)."""

import pytest

from tests.pages import page_html

from .factories import make_sheet

pytestmark = pytest.mark.django_db


def test_sheet_forms_label_the_empty_territory(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    for url in (f"/fiches/espace/{workspace.slug}/nouvelle/", f"/fiches/{sheet.pk}/modifier/"):
        html = page_html(actors["owner"], url)
        assert "---------" not in html
        assert "— aucun —" in html


def test_framing_note_level_has_no_empty_radio(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    html = page_html(actors["official"], f"/fiches/{sheet.pk}/cadrage/nouveau/")
    assert "---------" not in html
    assert 'name="participation_level" value=""' not in html
    assert 'name="participation_level" value="consult"' in html
    assert "checked" not in html.split('name="participation_level"', 1)[1].split("</fieldset>")[0]
