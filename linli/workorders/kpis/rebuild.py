"""Recomputing the KPI facts from the events, and the counters from the facts
(`manage.py rebuild_kpis`). The result must equal what the services kept event by event;
tests/test_kpis_rebuild.py checks that on random histories."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection, transaction

from linli.workorders.classes import category_classes
from linli.workorders.kpis import formulas, layout, store
from linli.workorders.kpis.formulas import Step
from linli.workorders.models import OrderEvent, WorkOrder
from linli.workorders.models.kpis import (
    COUNTER_FIELDS,
    KpiCategoryCounter,
    KpiCounter,
    OrderFacts,
)

BATCH = 2000
_ORDER_FIELDS = (
    "pk",
    "created_at",
    "region_path",
    "district_id",
    "subdistrict_id",
    "community_id",
    "grid_id",
    "category_id",
    "source",
)


def _clear(*models: Any) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)


def rebuild_facts(*, log: Callable[[str], None] = lambda _: None) -> int:
    """Replay every order's events into its facts row. Returns the number of orders."""
    classes = category_classes()
    _clear(OrderFacts)
    last, done = 0, 0
    while True:
        orders = list(
            WorkOrder.objects.filter(pk__gt=last).order_by("pk").values(*_ORDER_FIELDS)[:BATCH]
        )
        if not orders:
            break
        last = orders[-1]["pk"]
        steps: dict[int, list[Step]] = defaultdict(list)
        events = (
            OrderEvent.objects.filter(order_id__in=[o["pk"] for o in orders])
            .order_by("order_id", "seq")
            .values_list("order_id", "action", "to_state", "at", "actor_id", "data")
        )
        for order_id, action, to_state, at, actor_id, data in events:
            steps[order_id].append(Step(action, to_state, at, actor_id, data or {}))
        rows = []
        for o in orders:
            place = store.place_of(
                created_at=o["created_at"],
                region_path=o["region_path"],
                district_id=o["district_id"],
                subdistrict_id=o["subdistrict_id"],
                community_id=o["community_id"],
                grid_id=o["grid_id"],
                category_id=o["category_id"],
                source=o["source"],
                classes=classes,
            )
            facts = store.replay_facts(o["created_at"], steps[o["pk"]])
            rows.append(store.facts_row(o["pk"], place, facts, formulas.contributions(facts)))
        OrderFacts.objects.bulk_create(rows, batch_size=500)
        done += len(rows)
        log(f"facts: {done} orders")
    return done


def _sums() -> str:
    return ", ".join(f"SUM({connection.ops.quote_name(c)})" for c in COUNTER_FIELDS)


def _statements() -> list[tuple[str, list[Any]]]:
    """INSERT … SELECT … GROUP BY for every kind of counter row in layout.py."""
    q = connection.ops.quote_name
    counter = q(KpiCounter._meta.db_table)
    facts = q(OrderFacts._meta.db_table)
    columns = ", ".join(q(c) for c in (*store.KEY_COLUMNS, *COUNTER_FIELDS))
    sums = _sums()
    out: list[tuple[str, list[Any]]] = []

    def add(scope: int, id_col: str, grain: int, bucket: str | None, split: str) -> None:
        bucket_sql = q(bucket) if bucket else "%s"
        major = q("major_id") if split == "major" else "0"
        source = q("source") if split == "source" else "''"
        group = (
            [q(id_col)]
            + ([bucket_sql] if bucket else [])
            + ([q("major_id")] if split == "major" else [q("source")] if split == "source" else [])
        )
        where = f"WHERE {q(id_col)} IS NOT NULL" if id_col == "unit_id" else ""
        sql = (
            f"INSERT INTO {counter} ({columns}) SELECT %s, {q(id_col)}, %s, {bucket_sql}, "  # noqa: S608
            f"{major}, {source}, {sums} FROM {facts} {where} GROUP BY {', '.join(group)}"
        )
        params: list[Any] = [scope, grain] + ([] if bucket else [layout.ALL_BUCKET])
        out.append((sql, params))

    for column in ("city_id", "district_id", "subdistrict_id"):
        for grain, bucket in ((layout.DAY, "cohort_day"), (layout.MONTH, "cohort_month")):
            for split in ("total", "major", "source"):
                add(layout.REGION, column, grain, bucket, split)
    for split in ("total", "major", "source"):
        add(layout.REGION, "community_id", layout.MONTH, "cohort_month", split)
        add(layout.UNIT, "unit_id", layout.MONTH, "cohort_month", split)
    add(layout.UNIT, "unit_id", layout.DAY, "cohort_day", "total")
    for column in ("city_id", "district_id", "subdistrict_id", "community_id", "grid_id"):
        add(layout.REGION, column, layout.ALL, None, "total")
    add(layout.UNIT, "unit_id", layout.ALL, None, "total")

    category = q(KpiCategoryCounter._meta.db_table)
    cat_columns = ", ".join(q(c) for c in ("scope_id", "grain", "bucket", "minor", "reported"))
    levels: list[tuple[str, int, str]] = [
        (c, g, b)
        for c in ("city_id", "district_id", "subdistrict_id")
        for g, b in ((layout.DAY, "cohort_day"), (layout.MONTH, "cohort_month"))
    ] + [("community_id", layout.MONTH, "cohort_month")]
    for column, grain, bucket in levels:
        out.append(
            (
                f"INSERT INTO {category} ({cat_columns}) SELECT {q(column)}, %s, {q(bucket)}, "  # noqa: S608
                f"{q('minor_id')}, COUNT(*) FROM {facts} "
                f"GROUP BY {q(column)}, {q(bucket)}, {q('minor_id')}",
                [grain],
            )
        )
    return out


def rebuild_counters(*, log: Callable[[str], None] = lambda _: None) -> None:
    """Sum the facts into every counter row (replacing what is there)."""
    _clear(KpiCounter, KpiCategoryCounter)
    with connection.cursor() as cursor:
        for sql, params in _statements():
            started = time.perf_counter()
            cursor.execute(sql, params)
            log(f"{sql[:90]}…: {time.perf_counter() - started:.1f} s")


def rebuild_all(*, log: Callable[[str], None] = lambda _: None) -> int:
    with transaction.atomic():
        count = rebuild_facts(log=log)
        rebuild_counters(log=log)
    return count


def counter_rows() -> set[tuple[Any, ...]]:
    """Every non-zero counter row as a tuple: to compare incremental and rebuilt figures."""
    names = [*store.KEY_COLUMNS, *COUNTER_FIELDS]
    return {
        row for row in KpiCounter.objects.values_list(*names) if any(row[len(store.KEY_COLUMNS) :])
    }


def category_rows() -> set[tuple[int, int, date, int, int]]:
    return {
        row
        for row in KpiCategoryCounter.objects.values_list(
            "scope_id", "grain", "bucket", "minor", "reported"
        )
        if row[-1]
    }
