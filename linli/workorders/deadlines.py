"""Working-time arithmetic for handling deadlines.

A working day is decided, in this order, by a WorkdayOverride row for the date, by the
`chinesecalendar` package (public holidays and make-up working days, 调休) for the years it
covers, and otherwise by the weekday. Working hours are the periods of settings.WORKING_HOURS
(default 08:30–12:00 and 13:30–17:30, 7.5 hours a day), in the local time zone.

A limit in working days is that many full working days of working time: an order dispatched
on Monday at 10:00 with one working day is due on Tuesday at 10:00, and one dispatched on a
Saturday is due at the end of the next working day. A deadline that ends exactly at the end of
a period is that instant (12:00), not the start of the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from linli.workorders.models import DeadlineUnit, WorkdayOverride

logger = logging.getLogger(__name__)

# No order waits longer than this for its clock; a guard against a calendar with no workdays.
_MAX_DAYS = 3 * 366


Period = tuple[time, time]


@lru_cache(maxsize=8)
def parse_working_hours(spec: str) -> tuple[Period, ...]:
    """'08:30-12:00,13:30-17:30' → ((08:30, 12:00), (13:30, 17:30)); loud on bad input."""
    periods: list[Period] = []
    for part in spec.split(","):
        try:
            start_text, end_text = part.strip().split("-")
            start, end = (
                time.fromisoformat(start_text.strip()),
                time.fromisoformat(end_text.strip()),
            )
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"WORKING_HOURS: {part!r} is not a period like 08:30-12:00"
            ) from exc
        if start >= end or (periods and start < periods[-1][1]):
            raise ImproperlyConfigured(
                f"WORKING_HOURS: periods must be in order and not overlap ({spec!r})"
            )
        periods.append((start, end))
    if not periods:
        raise ImproperlyConfigured("WORKING_HOURS: at least one period is needed")
    return tuple(periods)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass
class WorkCalendar:
    """Working days and hours. Build one with `WorkCalendar.load()` per unit of work (a
    request, a sweep) and reuse it: it reads the override table once."""

    overrides: dict[date, bool] = field(default_factory=dict)
    periods: tuple[Period, ...] = field(
        default_factory=lambda: parse_working_hours(settings.WORKING_HOURS)
    )

    @classmethod
    def load(cls) -> WorkCalendar:
        overrides = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
        return cls(overrides=overrides)

    @property
    def minutes_per_day(self) -> int:
        return sum(_minutes(end) - _minutes(start) for start, end in self.periods)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            _warn_uncovered_year(day.year)
            return day.weekday() < 5

    def limit_minutes(self, amount: int, unit: str) -> int:
        if unit == DeadlineUnit.WORKING_HOURS:
            return amount * 60
        if unit == DeadlineUnit.WORKING_DAYS:
            return amount * self.minutes_per_day
        raise ValueError(f"unknown deadline unit {unit!r}")

    def _periods_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods (local, aware) from `start` on, the first one clipped to `start`."""
        local = timezone.localtime(start)
        tz = local.tzinfo
        day = local.date()
        for _ in range(_MAX_DAYS):
            if self.is_workday(day):
                for begin, end in self.periods:
                    period_start = datetime.combine(day, begin, tzinfo=tz)
                    period_end = datetime.combine(day, end, tzinfo=tz)
                    if period_end <= local:
                        continue
                    yield max(period_start, local), period_end
            day += timedelta(days=1)
        raise ImproperlyConfigured(f"no working day within {_MAX_DAYS} days of {start}")

    def add(self, start: datetime, minutes: int) -> datetime:
        """The instant `minutes` of working time after `start`."""
        if minutes <= 0:
            return start
        remaining = timedelta(minutes=minutes)
        for begin, end in self._periods_from(start):
            length = end - begin
            if remaining <= length:
                return begin + remaining
            remaining -= length
        raise AssertionError("unreachable")  # pragma: no cover

    def add_limit(self, start: datetime, amount: int, unit: str) -> datetime:
        return self.add(start, self.limit_minutes(amount, unit))

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes from `start` to `end`; negative when `end` comes first."""
        if end < start:
            return -self.working_minutes_between(end, start)
        total = timedelta()
        for begin, period_end in self._periods_from(start):
            if begin >= end:
                break
            total += min(period_end, end) - begin
        return int(total.total_seconds() // 60)


@cache
def _warn_uncovered_year(year: int) -> None:
    logger.warning(
        "chinesecalendar has no holidays for %s: counting Monday to Friday as working days. "
        "Add WorkdayOverride rows for the year's holidays and make-up days.",
        year,
    )


def deadline_for(
    *, start: datetime, amount: int, unit: str, calendar: WorkCalendar | None = None
) -> datetime:
    return (calendar or WorkCalendar.load()).add_limit(start, amount, unit)
