"""The moderators' queue (page and API) and a sheet's amendments list cost the same number of
queries with 2 entries as with 12."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amendments.services import amendment_submit
from moderation.services import report_create

from ..amendments.factories import open_round
from ..conftest import client_for
from ..debates.factories import comment, debate, moderator, seasoned
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def reported(n: int) -> None:
    d = debate()
    for _ in range(n):
        report_create(actor=seasoned(), comment=comment(d, author=seasoned()), reason="spam")


def test_the_queue_costs_the_same_for_2_and_12_cases():
    judge = moderator()
    page = Client()
    page.force_login(judge)
    api = client_for(judge)
    reported(2)
    few = (
        queries(lambda: page.get("/moderation/")),
        queries(lambda: api.get("/api/v1/moderation/cases/")),
    )
    reported(10)
    many = (
        queries(lambda: page.get("/moderation/")),
        queries(lambda: api.get("/api/v1/moderation/cases/")),
    )
    assert many == few


def test_a_sheets_amendments_list_costs_the_same_for_2_and_12():
    round_ = open_round()
    url = f"/api/v1/sheets/{round_.sheet.pk}/amendments/"

    def submit(n):
        for i in range(n):
            amendment_submit(
                actor=UserFactory(), sheet=round_.sheet, field="summary",
                text=f"Résumé {i} {n}.", base_version=1,
            )  # fmt: skip

    submit(2)
    few = queries(lambda: client_for(None).get(url))
    submit(10)
    assert queries(lambda: client_for(None).get(url)) == few
