"""The demo's amendment round (API.md, "Demo data (participation)")."""

import pytest
from django.core.management import call_command

from amendments.models import Amendment, AmendmentRound
from amendments.selectors import round_phase

pytestmark = pytest.mark.django_db


def test_seed_demo_opens_a_round_with_two_amendments_once():
    call_command("seed_demo")
    call_command("seed_demo")
    (round_,) = AmendmentRound.objects.filter(sheet__slug="stationnement-velos-gare-centrale")
    assert round_phase(round_) == "submission"
    assert round_.official.email == "elue@demo.fabrique.test"
    amendments = Amendment.objects.filter(round=round_).order_by("pk")
    assert [a.author.email for a in amendments] == [
        "bob@demo.fabrique.test",
        "carole@demo.fabrique.test",
    ]
    assert all(a.state == "submitted" and a.field == "summary" for a in amendments)
