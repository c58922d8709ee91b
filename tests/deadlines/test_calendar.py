"""`deadlines`: the Alsace-Moselle working calendar. Every test here involves Good Friday or
26 December, so that each one fails if the calendar were plain France's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

import deadlines
from deadlines import (
    add_working_days,
    add_working_hours,
    due_date,
    extend_by_pause,
    holidays_of,
    is_public_holiday,
    is_working_day,
    working_days_between,
    working_hours_between,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time elapsed (Python subtracts two datetimes of one zone on their wall clocks)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=PARIS)


def test_the_working_days_of_easter_week_2026():
    week = {date(2026, 4, day): is_working_day(date(2026, 4, day)) for day in range(2, 8)}
    assert week == {
        date(2026, 4, 2): True,  # Thursday
        date(2026, 4, 3): False,  # Good Friday
        date(2026, 4, 4): False,  # Saturday
        date(2026, 4, 5): False,  # Easter Sunday
        date(2026, 4, 6): False,  # Easter Monday
        date(2026, 4, 7): True,  # an ordinary Tuesday
    }


def test_the_public_holidays_of_alsace_moselle():
    for day in (
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 7, 14),
        date(2026, 11, 1),
        date(2026, 12, 25),
        date(2026, 12, 26),  # a Saturday in 2026: a holiday all the same
    ):
        assert is_public_holiday(day), day
        assert not is_working_day(day), day
    # 26 December on a weekday: a Friday in 2025, a Tuesday in 2028.
    assert not is_working_day(date(2025, 12, 26))
    assert not is_working_day(date(2028, 12, 26))
    assert is_working_day(date(2026, 6, 16))  # an ordinary Tuesday
    assert not is_public_holiday(date(2026, 6, 16))


def test_48_working_hours_from_a_friday_morning_is_tuesday_morning():
    assert add_working_hours(paris(2026, 6, 12, 10), 48) == paris(2026, 6, 16, 10)
    # From the Thursday before Good Friday: Friday and Easter Monday do not count either.
    assert add_working_hours(paris(2026, 4, 2, 10), 48) == paris(2026, 4, 8, 10)
    assert working_hours_between(paris(2026, 4, 2, 10), paris(2026, 4, 8, 10)) == 48


def test_48_working_hours_over_christmas():
    # Wednesday 24 December 2025: Thursday 25 and Friday 26 do not count, nor the weekend.
    assert add_working_hours(paris(2025, 12, 24, 10), 48) == paris(2025, 12, 30, 10)
    # Friday 22 December 2028: Monday 25 and Tuesday 26 do not count.
    assert add_working_hours(paris(2028, 12, 22, 10), 48) == paris(2028, 12, 28, 10)


def test_working_hours_are_wall_clock_hours_across_summer_time_changes():
    # 2026-03-29 (Sunday): Friday 10:00 +01:00 to Tuesday 10:00 +02:00, 95 hours elapsed.
    start, due = paris(2026, 3, 27, 10), add_working_hours(paris(2026, 3, 27, 10), 48)
    assert due == paris(2026, 3, 31, 10)
    assert (due.utcoffset(), elapsed(start, due)) == (timedelta(hours=2), timedelta(hours=95))
    assert working_hours_between(start, due) == 48
    # 2026-10-25 (Sunday): Friday 10:00 +02:00 to Tuesday 10:00 +01:00, 97 hours elapsed.
    start, due = paris(2026, 10, 23, 10), add_working_hours(paris(2026, 10, 23, 10), 48)
    assert due == paris(2026, 10, 27, 10)
    assert (due.utcoffset(), elapsed(start, due)) == (timedelta(hours=1), timedelta(hours=97))
    assert working_hours_between(start, due) == 48
    # 2027-03-28 is Easter Sunday, between Good Friday and Easter Monday.
    start, due = paris(2027, 3, 25, 10), add_working_hours(paris(2027, 3, 25, 10), 48)
    assert due == paris(2027, 3, 31, 10)
    assert (due.utcoffset(), elapsed(start, due)) == (timedelta(hours=2), timedelta(hours=143))
    assert working_hours_between(start, due) == 48


def test_an_instant_is_read_on_the_paris_clock():
    # 22:30 UTC on Thursday 2 April 2026 is 00:30 on Good Friday in Strasbourg.
    due = add_working_hours(datetime(2026, 4, 2, 22, 30, tzinfo=UTC), 1)
    assert due == paris(2026, 4, 7, 1)
    assert due.tzinfo == PARIS
    # 22:30 UTC on Monday 6 April is Tuesday in Paris: the count starts on Wednesday.
    assert due_date(datetime(2026, 4, 6, 22, 30, tzinfo=UTC), 1) == date(2026, 4, 8)
    assert due_date(datetime(2026, 4, 6, 21, 30, tzinfo=UTC), 1) == date(2026, 4, 7)


def test_a_delay_in_working_days_across_the_may_holidays():
    # Thursday 30 April 2026: 1 May, 8 May and Ascension (14 May) do not count.
    start = paris(2026, 4, 30, 15)
    assert add_working_days(start, 10) == end_of(date(2026, 5, 19))
    assert due_date(start, 10) == date(2026, 5, 19)
    assert working_days_between(start, add_working_days(start, 10)) == 10
    # From the day before Good Friday, 25 working days cross Easter and the May holidays.
    assert due_date(paris(2026, 4, 2, 9), 25) == date(2026, 5, 13)


def test_counting_starts_on_the_working_day_after_receipt():
    # Received on Saturday 20 December 2025: Monday 22 is day 1; 25 and 26 do not count.
    assert due_date(paris(2025, 12, 20, 11), 5) == date(2025, 12, 30)
    # Received on Thursday 2 April 2026, late: the next working day is Tuesday 7.
    assert due_date(paris(2026, 4, 2, 23, 59), 1) == date(2026, 4, 7)
    # Zero days: the end of the day of receipt itself.
    assert add_working_days(paris(2026, 4, 3, 9), 0) == end_of(date(2026, 4, 3))


def test_the_days_between_two_instants_are_the_inverse_of_the_delay():
    start = paris(2026, 3, 20, 14)
    for days in range(0, 30):
        assert working_days_between(start, add_working_days(start, days)) == days
    assert working_days_between(paris(2026, 4, 2, 9), paris(2026, 4, 7, 18)) == 1
    assert working_days_between(paris(2026, 4, 7, 18), paris(2026, 4, 2, 9)) == -1
    # The median time to a decision: Thursday noon to Tuesday noon is one working day.
    assert working_hours_between(paris(2026, 4, 2, 12), paris(2026, 4, 7, 12)) == 24
    assert working_hours_between(paris(2026, 4, 7, 12), paris(2026, 4, 2, 12)) == -24


def test_a_pause_moves_a_deadline_in_working_hours():
    due = add_working_hours(paris(2026, 3, 31, 10), 48)
    assert due == paris(2026, 4, 2, 10)
    # Paused for one working day (Monday 09:00 to Tuesday 09:00): Good Friday and Easter
    # Monday are skipped again when the deadline moves.
    paused_from, resumed_at = paris(2026, 3, 30, 9), paris(2026, 3, 31, 9)
    assert working_hours_between(paused_from, resumed_at) == 24
    assert extend_by_pause(due, paused_from, resumed_at) == paris(2026, 4, 7, 10)
    # A pause over Good Friday and Easter Monday counts only Thursday and Tuesday.
    assert extend_by_pause(due, paris(2026, 4, 2, 12), paris(2026, 4, 7, 12)) == paris(
        2026, 4, 7, 10
    )


def test_a_pause_moves_a_deadline_in_working_days():
    due = add_working_days(paris(2026, 3, 23, 10), 10)
    assert due == end_of(date(2026, 4, 8))
    # Paused Wednesday 11:00 to Friday 16:00: Thursday and Friday, two working days.
    paused_from, resumed_at = paris(2026, 3, 25, 11), paris(2026, 3, 27, 16)
    assert extend_by_pause(due, paused_from, resumed_at, unit="days") == end_of(date(2026, 4, 10))
    # A pause within one day moves nothing.
    assert extend_by_pause(due, paused_from, paris(2026, 3, 25, 17), unit="days") == due
    with pytest.raises(ValueError, match="before paused_from"):
        extend_by_pause(due, resumed_at, paused_from)


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 4, 2, 18)
    aware = naive.replace(tzinfo=PARIS)
    calls = [
        lambda start: add_working_days(start, 1),
        lambda start: due_date(start, 1),
        lambda start: add_working_hours(start, 1),
        lambda start: working_days_between(start, aware),
        lambda start: working_hours_between(aware, start),
        lambda start: extend_by_pause(aware, start, aware),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="must be an aware datetime"):
            call(naive)
    with pytest.raises(TypeError, match="pass a date"):
        is_working_day(aware)
    with pytest.raises(ValueError, match="zero or more"):
        add_working_hours(aware, -1)
    # The same call with an aware datetime: due on the Tuesday after Easter.
    assert due_date(aware, 1) == date(2026, 4, 7)


def test_each_year_s_holidays_are_looked_up_once(monkeypatch):
    built = []
    france = holidays.France

    def counting(*args, **kwargs):
        built.append(kwargs["years"])
        return france(*args, **kwargs)

    monkeypatch.setattr(deadlines.holidays, "France", counting)
    holidays_of.cache_clear()
    try:
        for offset in range(0, 400):
            is_working_day(date(2026, 1, 1) + timedelta(days=offset))
        assert built == [2026, 2027]
        assert date(2026, 4, 3) in holidays_of(2026)
    finally:
        holidays_of.cache_clear()
