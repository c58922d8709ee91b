"""Response rates, honestly: settled requests only (due or answered), boilerplate answers not
counted as answered, inadmissible ones apart, nothing below 5, the last 12 months only, the
median from the database, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import PlatformRole
from officials.models import Request
from officials.selectors import _median_from_histogram, official_stats
from officials.services import request_answer, request_flag_boilerplate, request_inadmissible

from ..conftest import client_for
from ..factories import UserFactory
from .factories import Clock, official, paris, send

pytestmark = pytest.mark.django_db


def answered(profile, clock, *, at, public=False):
    request = send(profile, public=public)
    clock.set(at)
    return request_answer(actor=profile.user, request=request, body="Réponse précise.")


def test_rates_hide_below_five_settled_requests_and_count_settled_ones_only(monkeypatch):
    start = paris(2026, 11, 2, 9, 0)  # a Monday
    clock = Clock(monkeypatch, start)
    profile = official(days=5)  # due Mon 9/11
    for _ in range(4):
        clock.set(start)
        answered(profile, clock, at=paris(2026, 11, 4, 9, 0))  # on time
    clock.set(start)
    send(profile)  # pending, still within its delay on 4/11
    stats = official_stats([profile.pk])[profile.pk]
    assert (stats["settled"], stats["answered_on_time_rate"]) == (4, None)
    clock.set(paris(2026, 11, 10, 9, 0))  # now the pending one is due and unanswered
    stats = official_stats([profile.pk])[profile.pk]
    assert (stats["settled"], stats["on_time"], stats["answered_on_time_rate"]) == (5, 4, 0.8)
    assert (stats["open"], stats["overdue"], stats["received"]) == (1, 1, 5)


def test_boilerplate_answers_and_inadmissible_requests_are_not_counted_as_answered(monkeypatch):
    start = paris(2026, 11, 2, 9, 0)
    clock = Clock(monkeypatch, start)
    profile = official(days=5)
    moderator = UserFactory(platform_role=PlatformRole.MODERATOR)
    kept = [answered(profile, clock, at=paris(2026, 11, 3, 9, 0), public=True) for _ in range(5)]
    for request in kept[:2]:
        request_flag_boilerplate(actor=moderator, request=request, boilerplate=True)
    clock.set(start)
    for _ in range(3):
        request_inadmissible(actor=profile.user, request=send(profile), reason="insults")
    clock.set(paris(2026, 11, 20, 9, 0))
    stats = official_stats([profile.pk])[profile.pk]
    assert stats["received"] == 8 and stats["inadmissible"] == 3
    assert stats["answered"] == 3 and stats["settled"] == 5  # inadmissible ones apart
    assert stats["answered_on_time_rate"] == 0.6  # boilerplate: settled, not answered


def test_only_the_last_twelve_months_count(monkeypatch):
    clock = Clock(monkeypatch, paris(2025, 10, 1, 9, 0))
    profile = official(days=5)
    for _ in range(6):
        clock.set(paris(2025, 10, 1, 9, 0))
        answered(profile, clock, at=paris(2025, 10, 2, 9, 0))
    clock.set(paris(2026, 11, 2, 9, 0))
    stats = official_stats([profile.pk])[profile.pk]
    assert stats["received"] == 0 and stats["answered_on_time_rate"] is None


def test_the_median_in_working_days(monkeypatch):
    start = paris(2026, 11, 2, 9, 0)  # a Monday
    clock = Clock(monkeypatch, start)
    profile = official(days=20)
    # answered after 1, 2, 2, 4 and 8 working days (11 November is off)
    for day in (3, 4, 4, 6, 13):
        clock.set(start)
        answered(profile, clock, at=paris(2026, 11, day, 9, 0))
    stats = official_stats([profile.pk])[profile.pk]
    assert stats["median_days"] == 2
    assert sorted(Request.objects.values_list("answer_days", flat=True)) == [1, 2, 2, 4, 8]


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ([(3, 1)], 3),
        ([(1, 1), (5, 1)], 3),
        ([(1, 2), (2, 1), (9, 1)], 1.5),
        ([(0, 3), (7, 2)], 0),
        ([], None),
    ],
)
def test_median_from_a_histogram(histogram, median):
    assert _median_from_histogram(histogram) == median


def test_statistics_cost_the_same_queries_for_one_or_many_officials(monkeypatch):
    Clock(monkeypatch, paris(2026, 11, 2, 9, 0))
    profiles = [official(days=5) for _ in range(4)]
    for profile in profiles:
        for _ in range(3):
            send(profile)
    counts = []
    for some in (profiles[:1], profiles):
        with CaptureQueriesContext(connection) as queries:
            official_stats([p.pk for p in some])
        counts.append(len(queries))
    assert counts == [2, 2]


def test_the_open_data_export_holds_numbers_not_people(monkeypatch):
    Clock(monkeypatch, paris(2026, 11, 2, 9, 0))
    profile = official(days=5, display_name='=HYPERLINK("x")')
    sender = UserFactory(display_name="Camille Secret", email="camille@example.test")
    send(profile, sender, subject="Mon voisin bruyant")
    csv_text = client_for(None).get("/api/v1/officials/statistics.csv").content.decode()
    data = client_for(None).get("/api/v1/officials/statistics/").json()
    for text in (csv_text, str(data)):
        assert "Camille" not in text and "camille@" not in text and "voisin" not in text
    assert "'=HYPERLINK" in csv_text  # never a formula in a spreadsheet
    (row,) = [r for r in data["officials"] if r["official"] == profile.user_id]
    assert row["received"] == 1 and row["answered_on_time_rate"] is None
