"""Irreversible stage changes ask first (issue 11, item 6): a transition into a stage that no
transition leaves (abandoned, archived) answers a confirmation page that repeats the public
reason and changes nothing; the same post with `confirmed=1` runs it. Reversible moves, refusals
and stale pages do not ask."""

import pytest
from django.test import Client

from projects.models import ProjectSheet
from workflow.machine import SHEET_STAGES
from workflow.models import TransitionLog

from .factories import make_framing

pytestmark = pytest.mark.django_db

REASON = "Le terrain n'est finalement pas disponible <avant 2030>."


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def address(sheet, name):
    return f"/suivi/fiches/{sheet.pk}/transitions/{name}/"


def test_only_abandoned_and_archived_are_final():
    finals = {state for state, _ in ProjectSheet._meta.get_field("stage").choices}
    assert {s for s in finals if SHEET_STAGES.is_final(s)} == {"abandoned", "archived"}


def test_abandon_asks_then_runs_on_confirmation(ready):
    sheet, actors = ready
    staff = client_of(actors["staff"])
    posted = {"note": REASON, "stage": "initiative", "next": f"/fiches/{sheet.pk}/"}
    response = staff.post(address(sheet, "abandon"), posted)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette action est définitive." in html
    assert "Oui : abandonner le projet" in html and 'class="danger"' in html
    # The public reason is read again, escaped, and carried to the second post.
    assert "&lt;avant 2030&gt;" in html and "<avant 2030>" not in html
    assert 'name="note" value="Le terrain' in html and 'name="confirmed" value="1"' in html
    assert f'href="/fiches/{sheet.pk}/"' in html  # "Annuler" goes back
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "initiative"
    assert not TransitionLog.objects.filter(sheet=sheet).exists()

    response = staff.post(address(sheet, "abandon"), {**posted, "confirmed": "1"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.stage == "abandoned" and sheet.abandon_reason == REASON


def test_a_reversible_move_does_not_ask(ready):
    sheet, actors = ready
    make_framing(sheet, author=actors["official"])
    response = client_of(actors["staff"]).post(
        address(sheet, "open_consultation"), {"stage": "initiative"}
    )
    assert response.status_code == 302
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "consultation"


@pytest.mark.parametrize("role", ["reader", "owner", "official", "outsider"])
def test_who_may_not_is_refused_not_asked(ready, role):
    sheet, actors = ready
    response = client_of(actors[role]).post(
        address(sheet, "abandon"), {"note": REASON, "stage": "initiative"}
    )
    assert response.status_code == 403


def test_a_missing_reason_or_a_stale_page_is_not_asked(ready):
    sheet, actors = ready
    staff = client_of(actors["staff"])
    for posted in (
        {"note": "  ", "stage": "initiative"},
        {"note": REASON, "stage": "consultation"},
    ):
        response = staff.post(address(sheet, "abandon"), posted)
        assert response.status_code == 302, posted
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "initiative"
