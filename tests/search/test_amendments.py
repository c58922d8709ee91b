"""Amendments in search: found by their text and rationale once submitted, as visible as their
sheet, gone once withdrawn."""

from __future__ import annotations

import pytest

from amendments.services import amendment_submit, amendment_withdraw
from search.services import search_query

from ..amendments.factories import open_round
from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


def hits(user, q, **filters):
    page = search_query(user=user, q=q, **filters)
    return page, [(h.type, h.id) for h in page.results]


def test_a_submitted_amendment_is_found_and_leaves_when_withdrawn(drain, candidate_path):
    round_ = open_round()
    author = UserFactory()
    a = amendment_submit(
        actor=author,
        sheet=round_.sheet,
        field="summary",
        text="Ajouter des arceaux pour les vélos-cargos.",
        base_version=1,
        rationale="Les familles en ont besoin.",
    )
    drain()
    page, found = hits(None, "arceau", type="amendment")
    assert found == [("amendment", a.pk)]
    assert page.results[0].url == a.get_absolute_url()
    assert ("amendment", a.pk) in hits(None, "familles")[1]
    amendment_withdraw(actor=author, amendment=a)
    drain()
    assert hits(None, "arceau", type="amendment")[1] == []


def test_a_private_sheets_amendment_is_found_and_counted_by_members_only(drain):
    private = WorkspaceFactory(visibility="private")
    sheet = SheetFactory(workspace=private, stage="consultation")
    insider = member(private)
    round_ = open_round(sheet, actor=UserFactory(is_superuser=True, is_staff=True))
    a = amendment_submit(
        actor=insider,
        sheet=round_.sheet,
        field="summary",
        text="Passerelle piétonne.",
        base_version=1,
    )
    drain()
    page, found = hits(UserFactory(), "passerelle")
    assert found == [] and page.count == 0
    assert hits(insider, "passerelle")[1] == [("amendment", a.pk)]
