"""Working-time arithmetic: weekends, public holidays, make-up working days (调休) and local
overrides, using the chinesecalendar data for 2026."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from linli.workorders.deadlines import WorkCalendar, parse_working_hours
from linli.workorders.models import DeadlineUnit, WorkdayOverride
from linli.workorders.services import dispatch_order, file_order

SH = ZoneInfo("Asia/Shanghai")
HOURS, DAYS = DeadlineUnit.WORKING_HOURS, DeadlineUnit.WORKING_DAYS


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar(periods=parse_working_hours("08:30-12:00,13:30-17:30"))


def test_hours_within_one_morning(cal):
    assert cal.add_limit(at(2026, 3, 3, 9, 0), 2, HOURS) == at(2026, 3, 3, 11, 0)


def test_hours_skip_the_lunch_break(cal):
    assert cal.add_limit(at(2026, 3, 3, 11, 0), 2, HOURS) == at(2026, 3, 3, 14, 30)


def test_a_deadline_ending_at_noon_is_noon_not_after_lunch(cal):
    assert cal.add_limit(at(2026, 3, 3, 11, 0), 1, HOURS) == at(2026, 3, 3, 12, 0)


def test_an_order_dispatched_in_the_evening_starts_next_morning(cal):
    assert cal.add_limit(at(2026, 3, 3, 20, 0), 1, HOURS) == at(2026, 3, 4, 9, 30)


def test_friday_afternoon_hours_run_into_monday(cal):
    # Friday 2026-03-06 16:30: 1 h on Friday, the weekend is off, 3 h on Monday morning.
    assert cal.add_limit(at(2026, 3, 6, 16, 30), 4, HOURS) == at(2026, 3, 9, 11, 30)


def test_one_working_day_is_the_same_time_next_working_day(cal):
    assert cal.add_limit(at(2026, 3, 2, 10, 0), 1, DAYS) == at(2026, 3, 3, 10, 0)


def test_working_days_from_a_saturday_start_on_monday_morning(cal):
    assert cal.add_limit(at(2026, 3, 7, 10, 0), 1, DAYS) == at(2026, 3, 9, 17, 30)


def test_national_day_week_is_skipped_and_the_make_up_saturday_counts(cal):
    # 2026: 1–7 October off; Saturday 10 October is a make-up working day.
    # Wed 30 Sep 16:00 + 3 working days (22.5 h): 1.5 h on 30 Sep, 7.5 h on 8 Oct,
    # 7.5 h on 9 Oct, then 6 h on Saturday 10 Oct: 3.5 h in the morning, 2.5 h after lunch.
    assert cal.add_limit(at(2026, 9, 30, 16, 0), 3, DAYS) == at(2026, 10, 10, 16, 0)


def test_the_make_up_sunday_before_national_day_is_a_working_day(cal):
    # Sunday 20 September 2026 is worked; Friday 18 Sep 17:00 + 4 h ends on it at noon.
    assert cal.is_workday(date(2026, 9, 20))
    assert cal.add_limit(at(2026, 9, 18, 17, 0), 4, HOURS) == at(2026, 9, 20, 12, 0)


def test_spring_festival_2026_holidays_and_make_up_days(cal):
    assert not cal.is_workday(date(2026, 2, 16))  # 除夕 week
    assert not cal.is_workday(date(2026, 2, 23))
    assert cal.is_workday(date(2026, 2, 14))  # Saturday, worked
    assert cal.is_workday(date(2026, 2, 28))  # Saturday, worked
    # Friday 13 Feb 17:00 + 1 h: 0.5 h Friday, then the make-up Saturday 14 Feb.
    assert cal.add_limit(at(2026, 2, 13, 17, 0), 1, HOURS) == at(2026, 2, 14, 9, 0)


def test_local_overrides_win_over_the_national_calendar(cal):
    cal.overrides = {date(2026, 10, 9): False, date(2026, 10, 4): True}
    # With 9 Oct off and Sunday 4 Oct worked, 30 Sep 16:00 + 3 days ends on 10 Oct too:
    # 1.5 h + 7.5 h (4 Oct) + 7.5 h (8 Oct) + 6 h (10 Oct).
    assert cal.add_limit(at(2026, 9, 30, 16, 0), 3, DAYS) == at(2026, 10, 10, 16, 0)
    assert cal.add_limit(at(2026, 10, 3, 9, 0), 1, HOURS) == at(2026, 10, 4, 9, 30)


@pytest.mark.django_db
def test_overrides_are_read_from_the_database():
    WorkdayOverride.objects.create(date=date(2026, 3, 3), is_workday=False, note="暴雪停工")
    cal = WorkCalendar.load()
    assert not cal.is_workday(date(2026, 3, 3))
    assert cal.is_workday(date(2026, 3, 4))


def test_years_the_package_does_not_cover_fall_back_to_weekdays(cal):
    assert cal.is_workday(date(2031, 1, 6))  # a Monday
    assert not cal.is_workday(date(2031, 1, 5))  # a Sunday


def test_working_minutes_between_counts_only_working_time(cal):
    assert cal.working_minutes_between(at(2026, 9, 30, 16, 0), at(2026, 10, 8, 9, 0)) == 120
    assert cal.working_minutes_between(at(2026, 10, 8, 9, 0), at(2026, 9, 30, 16, 0)) == -120
    assert cal.working_minutes_between(at(2026, 3, 3, 12, 0), at(2026, 3, 3, 13, 30)) == 0


def test_working_hours_come_from_settings(settings):
    settings.WORKING_HOURS = "09:00-12:00,14:00-18:00"
    cal = WorkCalendar()
    assert cal.minutes_per_day == 7 * 60
    assert cal.add_limit(at(2026, 3, 3, 11, 0), 2, HOURS) == at(2026, 3, 3, 15, 0)


@pytest.mark.parametrize("spec", ["", "8:30", "12:00-08:30", "08:00-12:00,11:00-13:00", "x-y"])
def test_bad_working_hours_are_a_loud_configuration_error(spec):
    with pytest.raises(ImproperlyConfigured):
        parse_working_hours(spec)


@pytest.mark.django_db
def test_the_clock_starts_at_dispatch_and_urgent_orders_get_the_short_limit(make_order, cast):
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        ordinary = file_order(order=make_order(), by=cast.grid_worker)
        urgent = file_order(order=make_order(urgent=True), by=cast.grid_worker)
        assert ordinary.deadline_at is None
        dispatch_order(order=ordinary, by=cast.grid_worker, to_user=cast.volunteer)
        dispatch_order(order=urgent, by=cast.grid_worker, to_user=cast.volunteer)
    # Category: 2 working days, urgent 4 working hours.
    assert ordinary.deadline_at == at(2026, 10, 9, 16, 0)
    assert urgent.deadline_at == at(2026, 10, 8, 11, 0)
