"""Every deadline of the platform, on the Alsace-Moselle working calendar.

The calendar: a working day is Monday to Friday and not a public holiday of Alsace-Moselle
(the French public holidays plus Good Friday and 26 December), as the maintained `holidays`
package lists them (`holidays.France(subdiv="6AE")`, Alsace; Moselle's list is the same). Each
year's holidays are looked up once per process.

Time: everything is read in the platform's time zone, `settings.TIME_ZONE` (Europe/Paris).
Functions take aware datetimes (any zone; a naive one is refused with `ValueError`) and return
aware datetimes in that zone.

Two kinds of delay, two conventions:

- **Working days** (`add_working_days`, `due_date`, `working_days_between`): the day of the
  start never counts; day 1 is the first working day strictly after the start's date (a
  request received on Saturday, or on Monday at 18:00, starts counting on the next working
  day: Monday, resp. Tuesday). The deadline is the *end* of the last day: the last instant of
  that day in Europe/Paris (23:59:59.999999), so `now > due` means overdue, and the date shown
  to people is `due_date(start, days)`, the due datetime's own date. `days=0` is the end of the
  start's own day. `working_days_between(a, b)` counts the working days d with
  a's date < d <= b's date, so `working_days_between(s, add_working_days(s, n)) == n`.
- **Working hours** (`add_working_hours`, `working_hours_between`): only time falling on a
  working day counts, all of its 24 hours; weekends and holidays are skipped whole. Hours are
  wall-clock hours of working days: the clock is read as Europe/Paris shows it. Summer time
  changes on a Sunday in the European Union, a day that never counts, so on working days wall
  clock and elapsed time agree; across a change the result keeps its wall-clock time (48
  working hours from Friday 10:00 is Tuesday 10:00 either side of the change, 95 or 97 hours of
  elapsed time later). A start on a non-working day counts from the next working day's 00:00.
  The result is the earliest instant at which that much working time has passed: a delay
  ending exactly with a Friday is due at Saturday 00:00 (the same instant as Friday 24:00).

Pauses (a request waiting for clarification): the clock stops, and the deadline moves by the
working time of the pause, `extend_by_pause(due, paused_from, resumed_at)` (working hours by
default, or whole working days with `unit="days"`).

This package is a low floor: it imports nothing of the project but `django.conf`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

__all__ = [
    "SUBDIVISION",
    "add_working_days",
    "add_working_hours",
    "add_working_time",
    "due_date",
    "extend_by_pause",
    "holidays_of",
    "is_public_holiday",
    "is_working_day",
    "working_days_between",
    "working_hours_between",
    "working_time_between",
]

# Alsace (the Eurométropole de Strasbourg is in Bas-Rhin); Moselle ("57") has the same days.
SUBDIVISION = "6AE"

_ONE_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


@lru_cache(maxsize=64)
def holidays_of(year: int) -> frozenset[date]:
    """The public holidays of Alsace-Moselle in `year` (weekends not included)."""
    return frozenset(holidays.France(subdiv=SUBDIVISION, years=year).keys())


def is_public_holiday(day: date) -> bool:
    """True when `day` is a public holiday of Alsace-Moselle, whatever its weekday."""
    return _as_date(day) in holidays_of(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a public holiday of Alsace-Moselle."""
    day = _as_date(day)
    return day.weekday() < 5 and day not in holidays_of(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after `start`'s date (its last instant, in the
    platform's zone). The start's own day never counts; `days=0` is the end of that day."""
    if days < 0:
        raise ValueError(f"days must be zero or more, not {days}")
    day = _local(start, "start").date()
    for _ in range(days):
        day += _ONE_DAY
        while not is_working_day(day):
            day += _ONE_DAY
    return _end_of(day)


def due_date(start: datetime, days: int) -> date:
    """The date shown to people for a delay of `days` working days from `start`: the day the
    deadline falls on, in the platform's zone (due by the end of that day)."""
    return add_working_days(start, days).date()


def add_working_time(start: datetime, delta: timedelta) -> datetime:
    """The earliest instant at which `delta` of working time has passed since `start` (time on
    working days only, wall-clock; see the module's docstring)."""
    if delta < timedelta(0):
        raise ValueError(f"the working time to add must be zero or more, not {delta}")
    cursor = _wall_clock(start, "start")
    if not delta:
        return _aware(cursor)
    remaining = delta
    while True:
        day_end = datetime.combine(cursor.date() + _ONE_DAY, time())
        if is_working_day(cursor.date()):
            available = day_end - cursor
            if remaining <= available:
                return _aware(cursor + remaining)
            remaining -= available
        cursor = day_end


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The deadline `hours` working hours after `start` (e.g. 48 for the moderation queue)."""
    if hours < 0:
        raise ValueError(f"hours must be zero or more, not {hours}")
    return add_working_time(start, timedelta(hours=hours))


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """The working time from `start` to `end` (wall-clock time on working days); negative when
    `end` is before `start`."""
    if _instant(end, "end") < _instant(start, "start"):
        return -working_time_between(end, start)
    a, b = _wall_clock(start, "start"), _wall_clock(end, "end")
    total = timedelta(0)
    cursor = a
    while cursor < b:
        day_end = datetime.combine(cursor.date() + _ONE_DAY, time())
        if is_working_day(cursor.date()):
            total += min(day_end, b) - cursor
        cursor = day_end
    return total


def working_hours_between(start: datetime, end: datetime) -> float:
    """`working_time_between` in hours (e.g. for the median time to a decision)."""
    return working_time_between(start, end) / _HOUR


def working_days_between(start: datetime, end: datetime) -> int:
    """The working days d with `start`'s date < d <= `end`'s date (platform's zone); negative
    when `end` is before `start`. The inverse of `add_working_days`."""
    a, b = _local(start, "start").date(), _local(end, "end").date()
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    count = 0
    day = a + _ONE_DAY
    while day <= b:
        count += is_working_day(day)
        day += _ONE_DAY
    return sign * count


def extend_by_pause(
    due: datetime,
    paused_from: datetime,
    resumed_at: datetime,
    *,
    unit: Literal["hours", "days"] = "hours",
) -> datetime:
    """`due` moved by the working time of a pause (the clock stops during a clarification).

    `unit="hours"`: by the exact working time from `paused_from` to `resumed_at` (for deadlines
    from `add_working_hours`). `unit="days"`: by `working_days_between(paused_from, resumed_at)`
    whole working days (for deadlines from `add_working_days`; a pause within one day moves
    nothing), the result again the end of a working day."""
    if _instant(resumed_at, "resumed_at") < _instant(paused_from, "paused_from"):
        raise ValueError("resumed_at is before paused_from")
    if unit == "hours":
        return add_working_time(due, working_time_between(paused_from, resumed_at))
    if unit == "days":
        days = working_days_between(paused_from, resumed_at)
        return add_working_days(due, days) if days else _local(due, "due")
    raise ValueError(f"unit must be 'hours' or 'days', not {unit!r}")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _as_date(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError("pass a date (e.g. the due datetime's .date() in Europe/Paris)")
    return day


def _local(moment: datetime, name: str) -> datetime:
    """`moment` in the platform's zone; a naive or non-datetime value is refused."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{name} must be an aware datetime (with a time zone), got the naive {moment!r}"
        )
    return moment.astimezone(_zone())


def _instant(moment: datetime, name: str) -> datetime:
    """`moment` in UTC, to compare instants (Python compares two datetimes of one zone on
    their wall clocks, wrong in the hour repeated when summer time ends)."""
    return _local(moment, name).astimezone(UTC)


def _wall_clock(moment: datetime, name: str) -> datetime:
    """`moment` as the platform's clock shows it, naive (the arithmetic is on wall-clock)."""
    return _local(moment, name).replace(tzinfo=None)


def _aware(wall_clock: datetime) -> datetime:
    return wall_clock.replace(tzinfo=_zone())


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=_zone())
