"""Work-order KPIs on millions of orders in PostgreSQL: the counter rows against plain
aggregates over the base table (and DuckDB in memory when it is installed), in one run.

    su postgres -c "createdb -O linli linli_bench_kpis"      # once
    .venv/bin/python bench/kpis.py                            # 10 million orders (loads once)
    .venv/bin/python bench/kpis.py --orders 1000000           # fewer
    DATABASE_URL=postgres://linli:linli@127.0.0.1:5432/other .venv/bin/python bench/kpis.py

The database is filled on the first run: the megacity demo city (seed_demo), then orders
by the mass loader (linli/workorders/demo/mass.py) until it holds --orders of them. Later
runs reuse it. Prints one JSON object; bench/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://linli:linli@127.0.0.1:5432/linli_bench_kpis"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"  # no query log: as in production
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.test.utils import override_settings

    # Serve static names without the collected manifest (the bench runs from the checkout).
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "runs": len(ordered),
    }


def _time(fn: Any, args_list: list[Any]) -> dict[str, float]:
    samples = []
    for args in args_list:
        started = time.perf_counter()
        fn(*args)
        samples.append(time.perf_counter() - started)
    return _stats(samples)


def _fill(orders: int, log: Any) -> dict[str, Any]:
    from django.core.management import call_command

    from linli.territory.models import Region
    from linli.workorders.demo.mass import load_orders
    from linli.workorders.models import WorkOrder

    filled: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", "--scale", "megacity", "--force", verbosity=0, stdout=sys.stderr)
        filled["seed_demo_megacity_seconds"] = round(time.perf_counter() - started, 1)
    have = WorkOrder.objects.count()
    if have < orders:
        city = Region.objects.get(level=Region.Level.CITY)
        started = time.perf_counter()
        filled["load_timings_seconds"] = load_orders(
            city=city, count=orders - have, rng=random.Random(orders), log=log
        )
        filled["loaded_orders"] = orders - have
        filled["load_seconds"] = round(time.perf_counter() - started, 1)
    return filled


def _periods(rng: random.Random, first: date, last: date, n: int) -> list[tuple[date, date]]:
    """Random periods inside the data: a third whole months, a third arbitrary ranges up to a
    year, a third short ranges (a day to a month)."""
    span = (last - first).days
    out = []
    for i in range(n):
        if i % 3 == 0:
            start = (first + timedelta(days=rng.randrange(span))).replace(day=1)
            months = rng.choice([1, 1, 3, 6, 12])
            end = start
            for _ in range(months):
                end = (end.replace(day=28) + timedelta(days=4)).replace(day=1)
            out.append((start, min(end - timedelta(days=1), last)))
        else:
            length = rng.randrange(1, 366 if i % 3 == 1 else 31)
            start = first + timedelta(days=rng.randrange(max(1, span - length)))
            out.append((start, min(start + timedelta(days=length), last)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--page-runs", type=int, default=30)
    parser.add_argument("--no-duckdb", action="store_true")
    args = parser.parse_args()
    _setup(os.environ.get("DATABASE_URL", DEFAULT_DB))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result: dict[str, Any] = {"orders_wanted": args.orders, **_fill(args.orders, log)}

    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client
    from django.urls import reverse

    from linli.accounts.models import Role, RoleAssignment
    from linli.territory.models import Region
    from linli.workorders import kpis
    from linli.workorders.kpis.queries import base_table_kpis
    from linli.workorders.models import KpiCounter, OrderFacts, WorkOrder

    city = Region.objects.get(level=Region.Level.CITY)
    span = OrderFacts.objects.aggregate(first=Min("cohort_day"), last=Max("cohort_day"))
    first, last = span["first"], span["last"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('workorders_workorder'), "
            "pg_total_relation_size('workorders_orderfacts'), pg_total_relation_size('workorders_kpicounter')"
        )
        sizes = cursor.fetchone()
    result["data"] = {
        "orders": WorkOrder.objects.count(),
        "grids": Region.objects.grids().count(),
        "counter_rows": KpiCounter.objects.count(),
        "days": [first.isoformat(), last.isoformat()],
        "mb": {"orders": sizes[0] >> 20, "facts": sizes[1] >> 20, "counters": sizes[2] >> 20},
    }
    rng = random.Random(7)
    periods = _periods(rng, first, last, args.runs)
    grids = list(Region.objects.grids().values_list("pk", flat=True))
    grid_objs = {g.pk: g for g in Region.objects.filter(pk__in=rng.sample(grids, args.runs))}
    grid_cases = [(grid_objs[pk], *p) for pk, p in zip(grid_objs, periods, strict=False)]

    # Warm up (connection, caches), then check that both ways agree on one period.
    kpis.region_kpis(city, first, last)
    check = periods[1]
    fast = kpis.region_kpis(city, *check)["counters"]
    plain = base_table_kpis(OrderFacts.objects.filter(city_id=city.pk, cohort_day__range=check))
    result["same_figures_as_base_table"] = fast == plain["counters"]

    def baseline_city(start: date, end: date) -> None:
        facts = OrderFacts.objects.filter(city_id=city.pk, cohort_day__range=(start, end))
        base_table_kpis(facts)
        for column in ("source", "major_id", "state"):
            list(facts.values(column).annotate(n=Min("order_id")).order_by())

    def baseline_orders(start: date, end: date) -> None:
        """A six-query city dashboard on the orders table (created_at is indexed)."""
        from datetime import datetime as dt
        from datetime import time as tm

        from django.db.models import Avg, Count, F, Q
        from django.utils import timezone

        tz = timezone.get_current_timezone()
        orders = WorkOrder.objects.filter(
            created_at__gte=dt.combine(start, tm(), tzinfo=tz),
            created_at__lt=dt.combine(end + timedelta(days=1), tm(), tzinfo=tz),
        )
        for column in ("state", "source", "category_id"):
            list(orders.values(column).annotate(n=Count("id")).order_by())
        closed = orders.filter(state__in=["closed", "rated"])
        closed.aggregate(
            n=Count("id"),
            on_time=Count("id", filter=Q(handled_at__lte=F("deadline_at"))),
            hours=Avg(F("closed_at") - F("created_at")),
        )
        orders.aggregate(
            overdue=Count("id", filter=Q(overdue=True)),
            reworked=Count("id", filter=Q(rework_count__gt=0)),
        )
        orders.filter(satisfaction__in=["satisfied", "fairly"]).count()

    def baseline_grid(grid: Region, start: date, end: date) -> None:
        base_table_kpis(OrderFacts.objects.filter(grid_id=grid.pk, cohort_day__range=(start, end)))

    result["city_kpis"] = _time(lambda s, e: kpis.region_kpis(city, s, e), periods)
    result["grid_kpis"] = _time(lambda g, s, e: kpis.region_kpis(g, s, e), grid_cases)
    result["baseline_city_base_table"] = _time(baseline_city, periods[: max(6, args.runs // 6)])
    result["baseline_grid_base_table"] = _time(baseline_grid, grid_cases)
    result["baseline_city_orders_table_6_queries"] = _time(
        baseline_orders, periods[: max(6, args.runs // 6)]
    )

    leader = RoleAssignment.objects.filter(role=Role.LEADER, region=city).first()
    if leader is not None:
        client = Client()
        client.force_login(leader.user)
        url = reverse("workorders:kpis_region", args=[city.code])
        client.get(url)
        page_periods = periods[: args.page_runs]
        statuses = set()

        def page(start: date, end: date) -> None:
            response = client.get(url, {"start": start.isoformat(), "end": end.isoformat()})
            statuses.add(response.status_code)

        result["city_page"] = _time(page, page_periods)
        result["city_page"]["statuses"] = sorted(statuses)

    if not args.no_duckdb:
        result["duckdb_in_memory"] = _duckdb(city.pk, periods, log)

    c = result["city_kpis"]["p95_ms"]
    result["ratios"] = {
        "city_baseline_over_counters_p95": round(
            result["baseline_city_base_table"]["p95_ms"] / c, 1
        ),
        "grid_baseline_over_facts_p95": round(
            result["baseline_grid_base_table"]["p95_ms"] / result["grid_kpis"]["p95_ms"], 2
        ),
    }
    if isinstance(result.get("duckdb_in_memory"), dict) and "p95_ms" in result["duckdb_in_memory"]:
        result["ratios"]["duckdb_over_counters_p95"] = round(
            result["duckdb_in_memory"]["p95_ms"] / c, 2
        )
    result["targets"] = {
        "city_kpis_p95_le_30ms": c <= 30,
        "city_page_p95_le_100ms": result.get("city_page", {}).get("p95_ms", 1e9) <= 100,
        "grid_kpis_p95_le_20ms": result["grid_kpis"]["p95_ms"] <= 20,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


def _duckdb(city_id: int, periods: list[tuple[date, date]], log: Any) -> dict[str, Any]:
    """The same city figures from the facts, held in DuckDB in memory (if installed)."""
    try:
        import duckdb
    except ImportError:
        return {"skipped": "duckdb is not installed (pip install duckdb; not a project dependency)"}
    import tempfile

    from django.db import connection

    from linli.workorders.models.kpis import COUNTER_FIELDS

    columns = ["cohort_day", "city_id", "major_id", "source", "state", *COUNTER_FIELDS]
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".csv") as out:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY (SELECT {', '.join(columns)} FROM workorders_orderfacts) TO STDOUT WITH CSV HEADER"  # noqa: S608
            ) as copy,
        ):
            for data in copy:
                out.write(data)
        out.flush()
        db = duckdb.connect()
        db.execute(f"CREATE TABLE facts AS SELECT * FROM read_csv_auto('{out.name}')")  # noqa: S608
    load = time.perf_counter() - started
    log(f"duckdb: loaded in {load:.1f} s")
    sums = ", ".join(f"SUM({c})" for c in COUNTER_FIELDS)

    def run(start: date, end: date) -> None:
        where = "city_id = ? AND cohort_day BETWEEN ? AND ?"
        params = [city_id, start, end]
        db.execute(f"SELECT {sums} FROM facts WHERE {where}", params).fetchall()  # noqa: S608
        for column in ("source", "major_id", "state"):
            db.execute(
                f"SELECT {column}, COUNT(*) FROM facts WHERE {where} GROUP BY 1",  # noqa: S608
                params,
            ).fetchall()

    timing = _time(run, periods)
    return {
        **timing,
        "load_seconds": round(load, 1),
        "threads": db.execute("SELECT current_setting('threads')").fetchone()[0],
    }


if __name__ == "__main__":
    main()
