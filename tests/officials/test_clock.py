"""A request's clock on the Alsace-Moselle working calendar: the due date at sending (Good
Friday, Easter Monday, 25 and 26 December, a Friday evening, a holiday), the pause of a
clarification, a redirection that keeps the due date, overdue and very overdue."""

from __future__ import annotations

import datetime

import pytest

from officials.models import Request
from officials.selectors import request_flags
from officials.services import (
    request_answer,
    request_clarify,
    request_redirect,
    request_reply,
)

from ..conftest import client_for
from ..factories import UserFactory
from .factories import Clock, official, page, paris, send

pytestmark = pytest.mark.django_db


def due_day(request: Request) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(request.due_at).date()


@pytest.mark.parametrize(
    ("sent", "days", "due"),
    [
        # Thursday before Easter: Good Friday (Alsace-Moselle) and Easter Monday do not count.
        (paris(2026, 4, 2, 18, 0), 3, datetime.date(2026, 4, 9)),
        # Sent on Good Friday itself: the count starts the next working day, Tuesday.
        (paris(2026, 4, 3, 10, 0), 2, datetime.date(2026, 4, 8)),
        # A Friday evening before Christmas: 25 and 26 December (a Saturday here) are skipped.
        (paris(2026, 12, 18, 23, 30), 5, datetime.date(2026, 12, 28)),
        # 26 December 2025 is a Friday: a holiday in Alsace-Moselle only.
        (paris(2025, 12, 24, 9, 0), 1, datetime.date(2025, 12, 29)),
        # Late on Sunday evening in Paris is still Sunday (not Monday in UTC+0 terms).
        (paris(2026, 11, 29, 23, 59), 1, datetime.date(2026, 11, 30)),
    ],
)
def test_the_due_date_counts_working_days_of_alsace_moselle(monkeypatch, sent, days, due):
    Clock(monkeypatch, sent)
    request = send(official(days=days))
    assert due_day(request) == due
    assert request.state == "acknowledged" and request.reference.startswith(f"D-{sent.year}-")


def test_the_api_answers_the_reference_and_the_due_date_at_once(monkeypatch):
    Clock(monkeypatch, paris(2026, 4, 2, 18, 0))
    profile = official(days=3)
    response = client_for(UserFactory()).post(
        f"/api/v1/officials/{profile.user_id}/requests/",
        {"subject": "Le parc", "body": "Quand ouvrira-t-il ?", "public": False},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "acknowledged" and body["due"] == "2026-04-09"
    assert body["reference"] == Request.objects.get().reference


def test_a_clarification_stops_the_clock_and_the_answer_time_leaves_the_pause_out(monkeypatch):
    clock = Clock(monkeypatch, paris(2026, 11, 30, 9, 0))  # a Monday
    profile = official(days=10)
    request = send(profile)
    assert due_day(request) == datetime.date(2026, 12, 14)
    clock.set(paris(2026, 12, 1, 10, 0))
    request = request_clarify(actor=profile.user, request=request, question="Quelle rue ?")
    assert request.paused_at is not None
    clock.set(paris(2026, 12, 20, 10, 0))  # long after the due date, but the clock is stopped
    assert request_flags(request) == {"overdue": False, "very_overdue": False}
    clock.set(paris(2026, 12, 4, 10, 0))  # the reply, three working days later
    request = request_reply(actor=request.sender, request=request, body="La rue du Jura.")
    assert request.state == "acknowledged" and request.paused_at is None
    assert due_day(request) == datetime.date(2026, 12, 17)
    clock.set(paris(2026, 12, 16, 15, 0))
    request = request_answer(actor=profile.user, request=request, body="C'est prévu.")
    assert request.on_time is True
    assert request.answer_days == 12 - 3  # Mon 30/11 → Wed 16/12, the pause left out


def test_a_redirection_keeps_the_due_date_and_shows_who_redirected(monkeypatch):
    clock = Clock(monkeypatch, paris(2026, 11, 30, 9, 0))
    first, second = official(days=5), official(days=30)
    request = send(first)
    due = request.due_at
    clock.set(paris(2026, 12, 2, 9, 0))
    request = request_redirect(
        actor=first.user, request=request, official=second, note="Sa délégation."
    )
    assert (request.state, request.official_id, request.first_official_id) == (
        "redirected",
        second.pk,
        first.pk,
    )
    assert request.due_at == due  # not the new official's 30 days
    html = page(request.sender, request.get_absolute_url()).text
    assert "transmise par" in html and first.user.display_name in html
    assert "Sa délégation." in html


def test_overdue_then_very_overdue_at_twice_the_delay(monkeypatch):
    clock = Clock(monkeypatch, paris(2026, 11, 30, 9, 0))
    request = send(official(days=5))  # due Mon 7/12, very overdue after Mon 14/12
    clock.set(paris(2026, 12, 7, 23, 0))
    assert request_flags(request) == {"overdue": False, "very_overdue": False}
    clock.set(paris(2026, 12, 8, 0, 1))
    assert request_flags(request) == {"overdue": True, "very_overdue": False}
    clock.set(paris(2026, 12, 15, 0, 1))
    assert request_flags(request) == {"overdue": True, "very_overdue": True}
    late = request_answer(actor=request.official.user, request=request, body="Pardon du retard.")
    assert late.on_time is False and request_flags(late) == {
        "overdue": False,
        "very_overdue": False,
    }
