"""Reading the KPIs: sums of counter rows (and of order facts where layout.py keeps no
rows) over a period of whole days, turned into figures by formulas.figures.

A period [start, end] (local dates, both included) counts the orders reported on those days
(the cohort) and where each of them is now. Whole months are read from month rows (a month
that contains today counts as whole once the period reaches today: no order is reported in
the future); the other days from day rows, or from the orders' facts.
"""

from __future__ import annotations

import calendar
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from linli.accounts.models import Organization, User
from linli.territory.models import Region
from linli.workorders.kpis import formulas, layout
from linli.workorders.models import OPEN_STATES
from linli.workorders.models.kpis import (
    COUNTER_FIELDS,
    KpiCategoryCounter,
    KpiCounter,
    OrderFacts,
)

Sums = dict[str, int]
_SUMS = {name: Sum(name) for name in COUNTER_FIELDS}
OPEN_COUNTERS = [f"state_{s.value}" for s in OPEN_STATES]


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def split(period: Period, today: date | None = None) -> tuple[list[date], list[Period]]:
    """The period as whole months (their first days) and the remaining runs of days."""
    today = today or timezone.localdate()
    months: list[date] = []
    runs: list[Period] = []
    day = period.start
    while day <= period.end:
        first = day.replace(day=1)
        last = month_end(first)
        whole = day == first and (period.end >= last or first <= today <= period.end)
        if whole:
            months.append(first)
        else:
            runs.append(Period(day, min(last, period.end)))
        day = last + timedelta(days=1)
    return months, runs


@dataclass
class Slices:
    """Summed counters: the whole, per major class, per source."""

    total: Sums = field(default_factory=dict)
    by_major: dict[int, Sums] = field(default_factory=lambda: defaultdict(dict))
    by_source: dict[str, Sums] = field(default_factory=lambda: defaultdict(dict))


def _add(into: Sums, row: dict[str, Any]) -> None:
    for name in COUNTER_FIELDS:
        into[name] = into.get(name, 0) + (row.get(name) or 0)


def _any(parts: list[Q]) -> Q | None:
    return reduce(operator.or_, parts) if parts else None


def _row_filter(source: layout.Source, months: list[date], runs: list[Period]) -> Q | None:
    """Counter rows for the whole months, and for the other days where day rows exist."""
    parts = [Q(grain=layout.MONTH, bucket__in=months)] if months and source.month_rows else []
    if source.day_rows:
        days = [Q(grain=layout.DAY, bucket__range=(r.start, r.end)) for r in runs]
        if days and not source.day_slices:
            days = [Q(_any(days), major=0, source="")]
        parts += days
    return _any(parts)


def _facts_runs(source: layout.Source, period: Period, runs: list[Period]) -> list[Period]:
    """The days that facts must answer for: all of them where no month rows are kept, the
    days outside whole months where no day rows are."""
    if not source.month_rows:
        return [period]
    return [] if source.day_rows else runs


def _facts(source: layout.Source, runs: list[Period], ids: list[int]) -> QuerySet[OrderFacts]:
    days = _any([Q(cohort_day__range=(r.start, r.end)) for r in runs])
    if days is None:
        return OrderFacts.objects.none()
    return OrderFacts.objects.filter(days, **{f"{source.facts_column}__in": ids})


def collect(
    source: layout.Source, ids: list[int], period: Period, *, slices: bool = False
) -> dict[int, Slices]:
    """Counters per scope id over the period: one query on counter rows, one on facts."""
    found: dict[int, Slices] = defaultdict(Slices)
    if not ids:
        return found
    months, runs = split(period)
    if (q := _row_filter(source, months, runs)) is not None:
        rows = KpiCounter.objects.filter(q, scope=source.scope, scope_id__in=ids)
        if not slices:
            rows = rows.filter(major=0, source="")
        for row in rows.values("scope_id", "major", "source").annotate(**_SUMS).order_by():
            _fold(found[row["scope_id"]], row)
    slices_only = slices and source.day_rows and not source.day_slices
    facts_runs = runs if slices_only else _facts_runs(source, period, runs)
    if facts_runs:
        column = source.facts_column
        facts = _facts(source, facts_runs, ids)
        group = [column, "major_id", "source"] if slices else [column]
        for row in facts.values(*group).annotate(**_SUMS).order_by():
            target = found[row[column]]
            if not slices_only:
                _add(target.total, row)
            if slices:
                _add(target.by_major[row["major_id"]], row)
                _add(target.by_source[row["source"]], row)
    return found


def _fold(target: Slices, row: dict[str, Any]) -> None:
    if row["major"]:
        _add(target.by_major[row["major"]], row)
    elif row["source"]:
        _add(target.by_source[row["source"]], row)
    else:
        _add(target.total, row)


def summary(sums: Sums) -> dict[str, Any]:
    """Counts, rates, averages and score of summed counters."""
    counters = {name: sums.get(name, 0) for name in COUNTER_FIELDS}
    return {
        "counters": counters,
        "reported": counters["reported"],
        "by_state": {key: counters[col] for key, col in formulas.STATE_COUNTERS.items()},
        "overdue": counters["overdue"],
        "overdue_open": counters["overdue_open"],
        **formulas.figures(counters),
    }


def kpis_of(found: Slices) -> dict[str, Any]:
    """The API's dict: counts (by state, source and major class), every rate, overdue,
    averages and score; `slices` has the same figures per source and per major class."""
    result = summary(found.total)
    result["counts"] = {
        "reported": result["reported"],
        "by_state": result["by_state"],
        "by_source": {s: v.get("reported", 0) for s, v in sorted(found.by_source.items())},
        "by_major": {m: v.get("reported", 0) for m, v in sorted(found.by_major.items())},
    }
    result["slices"] = {
        "source": {s: summary(v) for s, v in sorted(found.by_source.items())},
        "major": {m: summary(v) for m, v in sorted(found.by_major.items())},
    }
    return result


def region_kpis(region: Region, start: date, end: date) -> dict[str, Any]:
    """Every KPI of a region (any level) for orders reported from `start` to `end`."""
    source = layout.REGION_SOURCES[region.level]
    found = collect(source, [region.pk], Period(start, end), slices=True)
    return kpis_of(found[region.pk])


def unit_kpis(unit: Organization, start: date, end: date) -> dict[str, Any]:
    found = collect(layout.UNIT_SOURCE, [unit.pk], Period(start, end), slices=True)
    return kpis_of(found[unit.pk])


def person_kpis(person: User, start: date, end: date) -> dict[str, Any]:
    found = collect(layout.PERSON_SOURCE, [person.pk], Period(start, end), slices=True)
    return kpis_of(found[person.pk])


def children_kpis(regions: list[Region], period: Period) -> dict[int, dict[str, Any]]:
    """summary() per region, for regions of one level (the children of a page's region)."""
    if not regions:
        return {}
    source = layout.REGION_SOURCES[regions[0].level]
    found = collect(source, [r.pk for r in regions], period)
    return {r.pk: summary(found[r.pk].total) for r in regions}


def units_kpis(unit_ids: list[int], period: Period) -> dict[int, dict[str, Any]]:
    found = collect(layout.UNIT_SOURCE, unit_ids, period)
    return {pk: summary(found[pk].total) for pk in unit_ids if found[pk].total.get("reported")}


def people_kpis(unit_id: int, period: Period, limit: int = 50) -> list[dict[str, Any]]:
    """The people who held the unit's orders of the period, most orders first."""
    rows = (
        OrderFacts.objects.filter(unit_id=unit_id, cohort_day__range=(period.start, period.end))
        .exclude(person_id=None)
        .values("person_id")
        .annotate(**_SUMS)
        .order_by("-reported")[:limit]
    )
    return [{"person_id": r["person_id"], **summary(r)} for r in rows]


def live(scope: int, ids: list[int]) -> dict[int, dict[str, int]]:
    """What is open and overdue now, per region or unit (all-time rows)."""
    rows = (
        KpiCounter.objects.filter(scope=scope, scope_id__in=ids, grain=layout.ALL)
        .values("scope_id", "overdue_open", *OPEN_COUNTERS)
        .order_by()
    )
    return {
        r["scope_id"]: {
            "open": sum(r[c] for c in OPEN_COUNTERS),
            "overdue": r["overdue_open"],
        }
        for r in rows
    }


def trend(region: Region, period: Period) -> list[dict[str, Any]]:
    """Reported, closed and overdue orders per day (periods up to 62 days) or per month."""
    source = layout.REGION_SOURCES[region.level]
    daily = period.days <= 62
    series: dict[date, Sums] = defaultdict(dict)
    wanted = ("reported", "closed", "overdue")
    sums = {name: Sum(name) for name in wanted}
    months: list[date]
    runs: list[Period]
    if daily:
        months, runs = [], [period]
    else:
        months, runs = split(period)
    if not source.month_rows:
        months, runs = [], [period]

    def into(day: date) -> Sums:
        return series[day if daily else day.replace(day=1)]

    if (q := _row_filter(source, months, runs)) is not None:
        rows = KpiCounter.objects.filter(q, scope=source.scope, scope_id=region.pk, major=0)
        for row in rows.filter(source="").values("bucket").annotate(**sums).order_by():
            _add_some(into(row["bucket"]), row, wanted)
    if not source.day_rows:
        facts = _facts(source, runs, [region.pk])
        for row in facts.values("cohort_day").annotate(**sums).order_by():
            _add_some(into(row["cohort_day"]), row, wanted)
    return [{"bucket": day.isoformat(), **series[day]} for day in sorted(series)]


def _add_some(into: Sums, row: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        into[name] = into.get(name, 0) + (row.get(name) or 0)


def category_counts(region: Region, period: Period) -> dict[int, int]:
    """Orders reported per minor category class."""
    source = layout.REGION_SOURCES[region.level]
    months, runs = split(period)
    found: dict[int, int] = defaultdict(int)
    if (q := _row_filter(source, months, runs)) is not None:
        rows = KpiCategoryCounter.objects.filter(q, scope_id=region.pk)
        for row in rows.values("minor").annotate(n=Sum("reported")).order_by():
            found[row["minor"]] += row["n"]
    if facts_runs := _facts_runs(source, period, runs):
        facts = _facts(source, facts_runs, [region.pk])
        for row in facts.values("minor_id").annotate(n=Sum("reported")).order_by():
            found[row["minor_id"]] += row["n"]
    return dict(found)


def base_table_kpis(queryset: QuerySet[OrderFacts]) -> dict[str, Any]:
    """The same figures from order facts directly (no counter rows): the benchmarks'
    baseline and the tests' cross-check."""
    return summary(queryset.aggregate(**_SUMS))
