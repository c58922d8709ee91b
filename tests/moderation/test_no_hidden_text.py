"""A hidden message's text never leaves the moderators' screens: not in any API answer, page,
activity entry, notice or search result for anyone else — its author included (they wrote it;
the platform shows them the decision, not a copy)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from debates.models import Comment
from events.models import Activity

from ..conftest import client_for
from ..debates.factories import comment, debate, moderator, seasoned
from ..factories import SheetFactory, UserFactory
from .test_rules import decide, report

pytestmark = pytest.mark.django_db

SECRET = "Zorglub-texte-masque-42"


def _hidden_on_a_sheet(pending_only: bool):
    sheet = SheetFactory()
    d = debate(sheet=sheet)
    c = comment(d, author=seasoned(), body=f"Début {SECRET} fin")
    comment(d, author=seasoned(), body="Une réponse visible.", parent=c)
    if pending_only:
        with override_settings(FABRIQUE_REPORTS_TO_HIDE=1):
            assert report(seasoned(), c).status_code == 201
    else:
        assert report(seasoned(), c).status_code == 201
        case_id = c.moderation_case.pk
        assert (
            decide(moderator(), case_id, action="hide", reason="Insulte", rule="1").status_code
            == 200
        )
    c.refresh_from_db()
    assert c.state == "hidden"
    return sheet, d, c


@pytest.mark.parametrize("pending_only", [False, True], ids=["decided", "pending_review"])
def test_the_hidden_text_is_nowhere_outside_the_moderation_case(pending_only):
    sheet, d, c = _hidden_on_a_sheet(pending_only)
    readers = [None, UserFactory(), c.author, UserFactory(platform_role="official")]
    api_paths = [
        "/api/v1/debates/",
        f"/api/v1/debates/{d.pk}/",
        f"/api/v1/debates/{d.pk}/comments/",
        f"/api/v1/comments/{c.pk}/",
        "/api/v1/moderation/register/",
        f"/api/v1/sheets/{sheet.pk}/history/",
        f"/api/v1/search/?q={SECRET}",
        "/api/v1/moderation/notices/",
    ]
    pages = ["/debats/", f"/debats/{d.pk}/", sheet.get_absolute_url()]
    for reader in readers:
        api = client_for(reader)
        for path in api_paths:
            response = api.get(path)
            assert response.status_code in (200, 401), (path, response.status_code)
            assert SECRET not in response.content.decode(), (reader, path)
        browser = Client()
        if reader is not None:
            browser.force_login(reader)
        for path in pages:
            response = browser.get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert SECRET not in response.content.decode(), (reader, path)
    assert not Activity.objects.filter(target_repr__contains=SECRET).exists()
    assert not Activity.objects.filter(data__icontains=SECRET).exists()
    # The moderators' case shows it (they judge it); nobody else may open the case.
    case_url = f"/api/v1/moderation/cases/{c.moderation_case.pk}/"
    assert SECRET in client_for(moderator()).get(case_url).content.decode()
    assert client_for(c.author).get(case_url).status_code == 404
    assert Comment.objects.get(pk=c.pk).body.startswith("Début")
