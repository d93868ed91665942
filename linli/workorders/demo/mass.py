"""Millions of orders for the KPI benchmark (bench/kpis.py), on PostgreSQL only; `make run`
never calls this.

A few thousand orders are walked through their lives as the demo step does (real event
histories, facts replayed from them). They are COPYed into a temporary table as templates,
and PostgreSQL expands them in bulk: each generated order is a copy of a random template,
placed in a random grid of the city and moved back by up to three days (so nothing lands in
the future), with its facts row and the template's counters. The generated orders have no
events: the KPI reads never touch events, and the counters are re-summed from the facts
(`rebuild.rebuild_counters`)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from linli.territory.models import Region
from linli.workorders.classes import category_classes
from linli.workorders.deadlines import WorkCalendar
from linli.workorders.demo import DAYS, _categories, _new_life
from linli.workorders.demo.cast import Cast
from linli.workorders.kpis import formulas, rebuild, store
from linli.workorders.kpis.formulas import Step
from linli.workorders.models import OrderFacts, WorkOrder
from linli.workorders.models.kpis import COUNTER_FIELDS

# WorkOrder columns copied from the template as they are, and those that are times.
_TIMES = (
    "filed_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "closed_at",
    "rated_at",
    "deadline_at",
)
_FACT_TIMES = ("first_dispatch_at", "first_accept_at", "deadline_at", "handled_at", "closed_at")
_SKIP = {"id", "number", "created_at", "grid_id", "district_id", "subdistrict_id", "community_id", "region_path", "client_token", *_TIMES}  # fmt: skip


def _order_columns() -> list[str]:
    return [f.attname for f in WorkOrder._meta.concrete_fields if f.attname not in _SKIP]


def _seconds(at: datetime | None, base: datetime) -> float | None:
    return None if at is None else (at - base).total_seconds()


def _templates(city: Region, count: int, rng: random.Random, now: datetime) -> list[list[Any]]:
    cast = Cast.load(city)
    categories = _categories()
    calendar = WorkCalendar.load()
    classes = category_classes()
    rows = []
    start = now.timestamp() - DAYS * 86400
    for n in range(count):
        created = datetime.fromtimestamp(start + rng.random() * DAYS * 86400, tz=timezone.get_current_timezone())  # fmt: skip
        grid = rng.choice(cast.grids)
        life = _new_life(rng, cast, grid, categories, created, now, calendar)
        o = life.order
        steps = [Step(e.action, e.to_state, e.at, e.actor_id, e.data) for e in life.events]
        facts = store.replay_facts(o.created_at, steps)
        major, minor = classes[o.category_id]
        rows.append(
            [n + 1, o.created_at, major, minor]
            + [getattr(o, c) for c in _order_columns()]
            + [_seconds(getattr(o, c), o.created_at) for c in _TIMES]
            + [facts.state, int(facts.flags), facts.rating, facts.rated_resolved, facts.unit_id, facts.person_id]
            + [_seconds(getattr(facts, c), o.created_at) for c in _FACT_TIMES]
            + list(formulas.contributions(facts))
        )  # fmt: skip
    return rows


def load_orders(
    *,
    city: Region,
    count: int,
    rng: random.Random,
    now: datetime | None = None,
    templates: int = 5000,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, float]:
    """Add `count` orders (with facts) to the city and re-sum the counters. Returns timings."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the mass loader uses PostgreSQL's COPY and generate_series")
    now = now or timezone.now()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.perf_counter() - clock, 1)
        log(f"{name}: {timings[name]} s")
        clock = time.perf_counter()

    rows = _templates(city, templates, rng, now)
    lap("templates_simulated")
    order_cols = _order_columns()
    with transaction.atomic(), connection.cursor() as cursor:
        _template_table(cursor, order_cols, rows)
        cursor.execute("SELECT setseed(%s)", [rng.random()])
        first = int(_scalar(cursor, "SELECT COALESCE(MAX(id), 0) + 1 FROM workorders_workorder"))
        cursor.execute(
            "CREATE TEMP TABLE bench_grid ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) AS gid, "
            "id AS grid_id, path, split_part(path, '/', 2)::int AS city_id, split_part(path, '/', 3)::int AS district_id, "
            "split_part(path, '/', 4)::int AS subdistrict_id, split_part(path, '/', 5)::int AS community_id "
            "FROM territory_region WHERE level = 5 AND path LIKE %s",
            [city.path + "%"],
        )
        grids = int(_scalar(cursor, "SELECT COUNT(*) FROM bench_grid"))
        cursor.execute(
            "CREATE TEMP TABLE bench_plan ON COMMIT DROP AS SELECT n, "
            "1 + floor(random() * %s)::int AS tid, 1 + floor(random() * %s)::int AS gid, "
            "floor(random() * 3 * 86400)::int AS back FROM generate_series(%s, %s) AS n",
            [len(rows), grids, first, first + count - 1],
        )
        lap("plan")
        _insert_orders(cursor, order_cols)
        lap("orders_inserted")
        _insert_facts(cursor)
        lap("facts_inserted")
        cursor.execute("SELECT setval(pg_get_serial_sequence('workorders_workorder', 'id'), (SELECT MAX(id) FROM workorders_workorder))")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workorders_workorder")
        cursor.execute("ANALYZE workorders_orderfacts")
    lap("analyzed")
    with transaction.atomic():
        rebuild.rebuild_counters(log=log)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workorders_kpicounter")
        cursor.execute("ANALYZE workorders_kpicategorycounter")
    lap("counters_rebuilt")
    return timings


def _scalar(cursor: Any, sql: str) -> Any:
    cursor.execute(sql)
    return cursor.fetchone()[0]


def _template_table(cursor: Any, order_cols: list[str], rows: list[list[Any]]) -> None:
    fields = {f.attname: f for f in WorkOrder._meta.concrete_fields}
    types = []
    for c in order_cols:
        db_type = fields[c].db_type(connection) or "text"
        types.append(f"{c} {db_type.replace('serial', 'integer')}")
    columns = (
        ["tid integer", "t_created timestamptz", "major_id integer", "minor_id integer", *types]
        + [f"off_{c} double precision" for c in _TIMES]
        + ["f_state varchar(12)", "f_flags integer", "f_rating varchar(12)", "f_rated_resolved boolean", "f_unit integer", "f_person integer"]
        + [f"foff_{c} double precision" for c in _FACT_TIMES]
        + [f"c_{c} bigint" for c in COUNTER_FIELDS]
    )  # fmt: skip
    cursor.execute(f"CREATE TEMP TABLE bench_tpl ({', '.join(columns)}) ON COMMIT DROP")
    names = [c.split()[0] for c in columns]
    with cursor.cursor.copy(f"COPY bench_tpl ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _shifted(column: str, prefix: str = "off_") -> str:
    return f"CASE WHEN t.{prefix}{column} IS NULL THEN NULL ELSE c.created + make_interval(secs => t.{prefix}{column}) END"


_CREATED = "(t.t_created - make_interval(secs => p.back))"


def _insert_orders(cursor: Any, order_cols: list[str]) -> None:
    target = ["id", "number", "created_at", "grid_id", "district_id", "subdistrict_id", "community_id", "region_path", "client_token", *order_cols, *_TIMES]  # fmt: skip
    values = [
        "p.n", "'B' || lpad(p.n::text, 12, '0')", "c.created", "g.grid_id", "g.district_id",
        "g.subdistrict_id", "g.community_id", "g.path", "''",
        *[f"t.{c}" for c in order_cols], *[_shifted(c) for c in _TIMES],
    ]  # fmt: skip
    cursor.execute(
        f"INSERT INTO workorders_workorder ({', '.join(target)}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM bench_plan p JOIN bench_tpl t ON t.tid = p.tid JOIN bench_grid g ON g.gid = p.gid "
        f"CROSS JOIN LATERAL (SELECT {_CREATED} AS created) c"
    )


def _insert_facts(cursor: Any) -> None:
    local_day = "(c.created AT TIME ZONE 'Asia/Shanghai')::date"
    target = [
        "order_id", "cohort_day", "cohort_month", "city_id", "district_id", "subdistrict_id",
        "community_id", "grid_id", "major_id", "minor_id", "source", "state", "created_at",
        "flags", "rating", "rated_resolved", "unit_id", "person_id", *_FACT_TIMES, *COUNTER_FIELDS,
    ]  # fmt: skip
    values = [
        "p.n", local_day, f"date_trunc('month', {local_day})::date", "g.city_id", "g.district_id",
        "g.subdistrict_id", "g.community_id", "g.grid_id", "t.major_id", "t.minor_id", "t.source",
        "t.f_state", "c.created", "t.f_flags", "t.f_rating", "t.f_rated_resolved", "t.f_unit",
        "t.f_person", *[_shifted(c, "foff_") for c in _FACT_TIMES], *[f"t.c_{c}" for c in COUNTER_FIELDS],
    ]  # fmt: skip
    cursor.execute(
        f"INSERT INTO {OrderFacts._meta.db_table} ({', '.join(target)}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM bench_plan p JOIN bench_tpl t ON t.tid = p.tid JOIN bench_grid g ON g.gid = p.gid "
        f"CROSS JOIN LATERAL (SELECT {_CREATED} AS created) c"
    )
