"""`seed_demo` makes the demo's meetings on the station's sheet once: a public meeting to come
in an accessible venue, and a workshop held with its published restitution."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Activity
from meetings.demo import HELD, SHEET, UPCOMING
from meetings.models import Meeting
from meetings.selectors import meeting_list_visible, restitutions_for_sheet
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(
            Meeting.objects.values_list(
                "sheet__slug", "title", "state", "starts", "attendance", "capacity"
            )
        ),
        Activity.objects.filter(verb__startswith="meeting.").count(),
    )


def test_seed_demo_makes_the_demo_meetings_once():
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first

    upcoming = Meeting.objects.get(sheet__slug=SHEET, title=UPCOMING)
    assert upcoming.kind == "public_meeting" and upcoming.state == "scheduled"
    assert upcoming.starts > timezone.now() and upcoming.place and upcoming.address
    assert upcoming.step_free and upcoming.hearing_loop and upcoming.accessible_toilets
    assert upcoming.sheet.is_public
    # Public: the anonymous API lists it among the upcoming meetings, with its accessibility.
    body = client_for(None).get("/api/v1/meetings/?upcoming=1").json()
    rows = {r["id"]: r for r in (body["results"] if isinstance(body, dict) else body)}
    assert rows[upcoming.pk]["accessibility"]["step_free"] is True

    held = Meeting.objects.get(sheet__slug=SHEET, title=HELD)
    assert held.state == "held" and held.ends < timezone.now()
    assert held.restitution_published_at is not None and held.attendance == 23
    assert list(restitutions_for_sheet(user=None, sheet_id=held.sheet_id)) == [held]
    page = client_for(None).get(held.get_absolute_url()).content.decode()
    assert "Le parvis manque de places" in page
    assert list(meeting_list_visible(user=None, sheet=held.sheet_id)) == [held, upcoming]
