"""Every KPI formula on orders built through the services, with known answers.

Six orders reported on Monday 2 March 2026 in grid 1a (docs/kpis.md has the formulas):
A handled on time by the unit and rated satisfied; B accepted late, handled late, reworked,
closed and rated dissatisfied; C extended, still in hand and past even the extension; D declined; E resolved on the
spot (a patrol report); F dispatched and never touched, marked overdue by the sweep."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from linli.workorders import kpis
from linli.workorders import services as s
from linli.workorders.kpis import formulas
from linli.workorders.kpis.queries import Period, base_table_kpis, split
from linli.workorders.models import OrderFacts, Satisfaction, Source
from linli.workorders.services.sweep import sweep_deadlines
from linli.workorders.tests.test_intake import png_bytes

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


@pytest.fixture
def six_orders(cast, make_order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = cast
    with time_machine.travel(MONDAY, tick=False) as clock:

        def later(hours: float) -> None:
            clock.shift(timedelta(hours=hours))

        a, b, cc, d, f = (make_order() for _ in range(5))
        e = make_order(source=Source.PATROL, reporter=c.grid_worker)
        for order in (a, b, cc, f):
            s.file_order(order=order, by=c.grid_worker)
        s.decline_order(order=d, by=c.grid_worker, note="不属于受理范围")
        s.resolve_on_spot(order=e, by=c.grid_worker, note="已清理", photos=[png_bytes()])
        s.dispatch_order(order=a, by=c.grid_worker, to_unit=c.unit)
        for order in (b, cc, f):
            s.dispatch_order(order=order, by=c.grid_worker, to_user=c.volunteer)
        s.accept_order(order=cc, by=c.volunteer)
        s.request_extension(order=cc, by=c.volunteer, amount=2, unit="working_days", note="等材料")
        s.approve_extension(order=cc, by=c.dispatcher)
        later(1)
        s.accept_order(order=a, by=c.department_staff)
        later(2)
        s.handle_order(order=a, by=c.department_staff, note="已修复")
        s.close_order(order=a, by=c.grid_worker)
        s.rate_order(order=a, by=c.resident, resolved=True, satisfaction=Satisfaction.SATISFIED)
        later(27)  # Tuesday 15:00: 30 hours after dispatch
        s.accept_order(order=b, by=c.volunteer)
        later(72)  # Friday: past the two working days
        sweep_deadlines()
        s.handle_order(order=b, by=c.volunteer, note="已处理")
        s.rework_order(order=b, by=c.grid_worker, note="未处理干净")
        s.accept_order(order=b, by=c.volunteer)
        s.handle_order(order=b, by=c.volunteer, note="已重新处理")
        s.close_order(order=b, by=c.grid_worker)
        s.rate_order(order=b, by=c.resident, resolved=False, satisfaction="dissatisfied")
    return {"a": a, "b": b, "c": cc, "d": d, "e": e, "f": f}


def march(region):  # type: ignore[no-untyped-def]
    return kpis.region_kpis(region, date(2026, 3, 1), date(2026, 3, 31))


def test_every_rate_of_the_six_orders(six_orders, cast):
    k = march(cast.tree["grid1a"])
    assert k["counts"]["reported"] == 6
    assert k["filing_rate"] == pytest.approx(5 / 6)
    assert k["response_rate"] == 0.5  # A and C of A, B, C, F
    assert k["handle_rate"] == 0.6  # A, B, E of A, B, C, E, F
    assert k["on_time_handle_rate"] == 0.4  # A, E
    assert k["close_rate"] == 0.6  # A, B, E of the five filed
    assert k["on_time_close_rate"] == 0.4
    assert k["rework_rate"] == 0.2  # B
    assert k["extension_rate"] == 0.2  # C
    assert k["overdue_pending_rate"] == 0.4  # C (past even its extension) and F
    assert k["resolution_rate"] == 0.5  # A of A, B
    assert k["satisfaction_rate"] == 0.5
    assert (k["overdue"], k["overdue_open"]) == (3, 2)  # B (handled late), C, F; C, F open
    # 金牛: 0.6×30 + 0.4×20 + (1 − 0.2)×20 + (1 − 0.4)×20 + (1 − 0.2)×10
    assert k["score"] == 62.0


def test_counts_by_state_source_and_class(six_orders, cast, incident_category):
    counts = march(cast.tree["grid1a"])["counts"]
    states = {state: n for state, n in counts["by_state"].items() if n}
    assert states == {"rated": 2, "accepted": 1, "declined": 1, "closed": 1, "dispatched": 1}
    assert counts["by_source"] == {"patrol": 1, "resident": 5}
    assert counts["by_major"] == {incident_category.parent_id: 6}


def test_average_times(six_orders, cast):
    k = march(cast.tree["grid1a"])
    # Accepted after the first dispatch: A 1 h, B 30 h, C at once.
    assert k["avg_accept_hours"] == pytest.approx(31 / 3, abs=0.01)
    # Closed: A after 3 h, E at once, B on Friday (102 h after the report).
    assert k["avg_close_hours"] == pytest.approx((3 + 0 + 102) / 3, abs=0.01)
    assert k["avg_handle_hours"] == pytest.approx((3 + 102) / 2, abs=0.01)


def test_every_level_and_the_base_table_give_the_same_figures(six_orders, cast):
    t = cast.tree
    grid = march(t["grid1a"])
    for name in ("city", "district1", "subdistrict1", "community1"):
        assert march(t[name])["counters"] == grid["counters"], name
    assert base_table_kpis(OrderFacts.objects.all())["counters"] == grid["counters"]
    assert march(t["district2"])["counts"]["reported"] == 0


def test_periods_count_the_day_of_the_report(six_orders, cast):
    city = cast.tree["city"]
    with time_machine.travel(datetime(2026, 4, 15, tzinfo=TZ)):
        on_the_day = kpis.region_kpis(city, date(2026, 3, 2), date(2026, 3, 2))
        around = kpis.region_kpis(city, date(2026, 2, 20), date(2026, 3, 5))
        before = kpis.region_kpis(city, date(2026, 2, 1), date(2026, 3, 1))
        after = kpis.region_kpis(city, date(2026, 3, 3), date(2026, 4, 30))
    assert on_the_day["counters"] == around["counters"] == march(city)["counters"]
    assert before["counts"]["reported"] == after["counts"]["reported"] == 0
    assert before["score"] is None and before["close_rate"] is None


def test_units_and_people_count_the_orders_they_hold(six_orders, cast):
    unit = kpis.unit_kpis(cast.unit, date(2026, 3, 1), date(2026, 3, 31))
    assert (unit["counts"]["reported"], unit["handle_rate"], unit["satisfaction_rate"]) == (
        1,
        1.0,
        1.0,
    )
    around = kpis.unit_kpis(cast.unit, date(2026, 2, 20), date(2026, 3, 5))  # days, not months
    assert around["counters"] == unit["counters"]
    assert around["slices"]["source"]["resident"]["counters"] == unit["counters"]
    volunteer = kpis.person_kpis(cast.volunteer, date(2026, 3, 1), date(2026, 3, 31))
    assert volunteer["counts"]["reported"] == 3  # B, C, F
    assert volunteer["rework_rate"] == pytest.approx(1 / 3)
    staff = kpis.person_kpis(cast.department_staff, date(2026, 3, 2), date(2026, 3, 2))
    assert staff["counts"]["reported"] == 1


def test_reopening_takes_an_order_out_of_the_closed_count(six_orders, cast):
    with time_machine.travel(MONDAY + timedelta(days=6), tick=False):
        s.reopen_order(order=six_orders["b"], by=cast.resident, note="还是不行")
    k = march(cast.tree["grid1a"])
    assert k["close_rate"] == 0.4  # A and E
    assert k["counters"]["reopened"] == 1
    assert k["rework_rate"] == 0.2  # B is still due for closing, and was reworked


def test_a_period_is_whole_months_plus_days():
    today = date(2026, 6, 10)
    months, runs = split(Period(date(2026, 1, 15), date(2026, 4, 3)), today)
    assert months == [date(2026, 2, 1), date(2026, 3, 1)]
    assert [(r.start, r.end) for r in runs] == [
        (date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 4, 1), date(2026, 4, 3)),
    ]
    # The current month counts as whole once the period reaches today.
    months, runs = split(Period(date(2026, 6, 1), date(2026, 6, 10)), today)
    assert (months, runs) == ([date(2026, 6, 1)], [])


def test_rates_are_none_without_a_denominator():
    figures = formulas.figures({})
    assert all(figures[name] is None for name in formulas.RATES)
    assert figures["score"] is None


def test_weights_are_validated(settings):
    settings.KPI_WEIGHTS = '{"close_rate": 50, "rework_rate": 50}'
    assert formulas.weights() == {"close_rate": 50.0, "rework_rate": 50.0}
    assert formulas.score({"close_rate": 0.9, "rework_rate": 0.1}) == 90.0
    for bad in ('{"speed": 1}', '{"close_rate": -1}', '{"close_rate": 0}', "[1", '{"x": true}'):
        settings.KPI_WEIGHTS = bad
        with pytest.raises(ImproperlyConfigured):
            formulas.weights()
        assert formulas.check_settings()
    settings.KPI_WEIGHTS = ""
    assert formulas.weights() == formulas.DEFAULT_WEIGHTS
    assert formulas.check_settings() == []


def test_score_leaves_out_rates_without_a_value():
    weights = {"handle_rate": 30, "satisfaction_rate": 70}
    assert formulas.score({"handle_rate": 0.5, "satisfaction_rate": None}, weights) == 50.0
