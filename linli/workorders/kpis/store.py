"""Keeping the KPI facts and counters as events happen: `record` is called by
`services.transitions.write_event` for every event, inside the event's transaction.

Each call reads the order's facts row, advances it by the event, and adds the difference of
the order's contributions to every counter row it belongs to with one
INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x (PostgreSQL and SQLite alike). Rows
are written in key order, so two transactions never wait for each other in a cycle."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field
from django.utils import timezone

from linli.workorders.classes import classes_of
from linli.workorders.kpis import formulas, layout
from linli.workorders.kpis.formulas import Facts, Flag, Step, Vector
from linli.workorders.models import OrderEvent, WorkOrder
from linli.workorders.models.kpis import (
    COUNTER_FIELDS,
    KpiCategoryCounter,
    KpiCounter,
    OrderFacts,
)

KEY_COLUMNS = ("scope", "scope_id", "grain", "bucket", "major", "source")
_STATE_FIELDS = (
    "state",
    "created_at",
    "first_dispatch_at",
    "first_accept_at",
    "deadline_at",
    "handled_at",
    "closed_at",
    "rating",
    "rated_resolved",
    "unit_id",
    "person_id",
)


def place_of(
    *,
    created_at: datetime,
    region_path: str,
    district_id: int,
    subdistrict_id: int,
    community_id: int,
    grid_id: int,
    category_id: int,
    source: str,
    classes: dict[int, tuple[int, int]] | None = None,
) -> layout.Place:
    day = timezone.localdate(created_at)
    major, minor = (classes or {}).get(category_id) or classes_of(category_id)
    return layout.Place(
        cohort_day=day,
        cohort_month=day.replace(day=1),
        city_id=int(region_path.strip("/").split("/")[0]),
        district_id=district_id,
        subdistrict_id=subdistrict_id,
        community_id=community_id,
        grid_id=grid_id,
        major_id=major,
        minor_id=minor,
        source=source,
    )


def order_place(order: WorkOrder) -> layout.Place:
    return place_of(
        created_at=order.created_at,
        region_path=order.region_path,
        district_id=order.district_id,
        subdistrict_id=order.subdistrict_id,
        community_id=order.community_id,
        grid_id=order.grid_id,
        category_id=order.category_id,
        source=order.source,
    )


def step_of(event: OrderEvent) -> Step:
    return Step(
        action=event.action,
        to_state=event.to_state,
        at=event.at,
        actor_id=event.actor_id,
        data=event.data or {},
    )


def facts_from_row(row: OrderFacts) -> Facts:
    return Facts(
        created_at=row.created_at,
        state=row.state,
        flags=Flag(row.flags),
        first_dispatch_at=row.first_dispatch_at,
        first_accept_at=row.first_accept_at,
        deadline_at=row.deadline_at,
        handled_at=row.handled_at,
        closed_at=row.closed_at,
        rating=row.rating,
        rated_resolved=row.rated_resolved,
        unit_id=row.unit_id,
        person_id=row.person_id,
    )


def facts_columns(facts: Facts, vector: Vector) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(facts, name) for name in _STATE_FIELDS}
    values["flags"] = int(facts.flags)
    values.update(formulas.as_dict(vector))
    return values


def facts_row(order_id: int, place: layout.Place, facts: Facts, vector: Vector) -> OrderFacts:
    return OrderFacts(
        order_id=order_id,
        cohort_day=place.cohort_day,
        cohort_month=place.cohort_month,
        city_id=place.city_id,
        district_id=place.district_id,
        subdistrict_id=place.subdistrict_id,
        community_id=place.community_id,
        grid_id=place.grid_id,
        major_id=place.major_id,
        minor_id=place.minor_id,
        source=place.source,
        **facts_columns(facts, vector),
    )


FACTS_COLUMNS = (
    "order_id", "cohort_day", "cohort_month", "city_id", "district_id", "subdistrict_id",
    "community_id", "grid_id", "major_id", "minor_id", "source", *_STATE_FIELDS, "flags",
    *COUNTER_FIELDS,
)  # fmt: skip


def facts_tuple(
    order_id: int, place: layout.Place, facts: Facts, vector: Vector
) -> tuple[Any, ...]:
    """A facts row in FACTS_COLUMNS order, for bulk inserts."""
    return (
        order_id, place.cohort_day, place.cohort_month, place.city_id, place.district_id,
        place.subdistrict_id, place.community_id, place.grid_id, place.major_id, place.minor_id,
        place.source, *(getattr(facts, name) for name in _STATE_FIELDS), int(facts.flags), *vector,
    )  # fmt: skip


@cache
def _facts_fields() -> list[Field[Any, Any]]:
    by_name = {f.attname: f for f in OrderFacts._meta.concrete_fields}
    return [by_name[name] for name in FACTS_COLUMNS]


def insert_facts(row: tuple[Any, ...]) -> None:
    """One facts row (FACTS_COLUMNS order) in one plain INSERT: a third of what saving the
    ~40-column model costs, on every intake."""
    fields = _facts_fields()
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
    table = connection.ops.quote_name(OrderFacts._meta.db_table)
    columns = ", ".join(_quoted([f.column for f in fields]))
    marks = ", ".join(["%s"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)  # noqa: S608


def replay_facts(created_at: datetime, steps: Iterable[Step]) -> Facts:
    facts = Facts(created_at=created_at)
    for step in steps:
        formulas.advance(facts, step)
    return facts


def record(*, order: WorkOrder, event: OrderEvent, before_state: str) -> None:
    """Count one event: called inside the event's transaction, on the locked order."""
    row = OrderFacts.objects.filter(pk=order.pk).first()
    if row is None:
        # An order written before KPIs were kept: count it whole from its events.
        steps = [step_of(e) for e in order.events.order_by("seq")]
        place, after, new = add_facts(order, steps)
        upsert(_changes(place, None, after, formulas.ZERO, new))
        return
    place = order_place(order)
    before = facts_from_row(row)
    after = formulas.advance(replace(before), step_of(event))
    old, new = formulas.contributions(before), formulas.contributions(after)
    OrderFacts.objects.filter(pk=order.pk).update(**facts_columns(after, new))
    if changes := _changes(place, before, after, old, new):
        upsert(changes)


def record_new(*, order: WorkOrder, events: Sequence[OrderEvent]) -> None:
    """Count a new order's first events in one go (intake): its facts row, then the
    counters. No reads; the counter upserts touch the city's hottest rows, so the caller
    runs this as late in its transaction as it can."""
    place, after, new = add_facts(order, [step_of(e) for e in events])
    upsert(_changes(place, None, after, formulas.ZERO, new))


def add_facts(order: WorkOrder, steps: Sequence[Step]) -> tuple[layout.Place, Facts, Vector]:
    """Insert the facts row of an order not counted yet, and its +1 per minor class."""
    place = order_place(order)
    after = replay_facts(order.created_at, steps)
    new = formulas.contributions(after)
    insert_facts(facts_tuple(order.pk, place, after, new))
    add_reported(layout.category_keys(place))
    return place, after, new


def _changes(
    place: layout.Place, before: Facts | None, after: Facts, old: Vector, new: Vector
) -> list[tuple[layout.Key, Vector]]:
    rows: list[tuple[layout.Key, Vector]] = []
    delta = formulas.subtract(new, old)
    if any(delta):
        rows += [(key, delta) for key in layout.region_keys(place)]
    old_unit = before.unit_id if before is not None else None
    if old_unit == after.unit_id:
        if after.unit_id is not None and any(delta):
            rows += [(key, delta) for key in layout.unit_keys(place, after.unit_id)]
    else:
        if old_unit is not None:
            minus = formulas.subtract(formulas.ZERO, old)
            rows += [(key, minus) for key in layout.unit_keys(place, old_unit)]
        if after.unit_id is not None:
            rows += [(key, new) for key in layout.unit_keys(place, after.unit_id)]
    return rows


def _quoted(names: Sequence[str]) -> list[str]:
    return [connection.ops.quote_name(n) for n in names]


def upsert(rows: list[tuple[layout.Key, Vector]]) -> None:
    """Add each vector to its counter row, creating rows as needed. Rows sharing a key are
    merged first (one statement may not touch a row twice). Only the counters that change
    are named: the others keep their value, or their database default 0 in a new row (a
    statement a quarter the size; 1.2 ms instead of 4 on 10 million orders)."""
    merged: dict[layout.Key, Vector] = {}
    for key, vector in rows:
        merged[key] = formulas.add(merged[key], vector) if key in merged else vector
    ordered = sorted(merged.items())
    used = [i for i in range(formulas.WIDTH) if any(vector[i] for _, vector in ordered)]
    if not used:
        return
    table = connection.ops.quote_name(KpiCounter._meta.db_table)
    changed = _quoted([COUNTER_FIELDS[i] for i in used])
    columns = [*_quoted(KEY_COLUMNS), *changed]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in changed)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 (names are ours)
        + ", ".join([one] * len(ordered))
        + f" ON CONFLICT ({', '.join(_quoted(KEY_COLUMNS))}) DO UPDATE SET {sets}"
    )
    params: list[Any] = []
    for key, vector in ordered:
        params += [*key, *(vector[i] for i in used)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_reported(keys: list[tuple[int, int, date, int]]) -> None:
    """+1 reported per minor class, at the levels and grains of layout.category_keys."""
    unique = sorted(set(keys))
    table = connection.ops.quote_name(KpiCategoryCounter._meta.db_table)
    cols = _quoted(["scope_id", "grain", "bucket", "minor", "reported"])
    rec = cols[-1]
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES "  # noqa: S608 (names are ours)
        + ", ".join(["(%s, %s, %s, %s, 1)"] * len(unique))
        + f" ON CONFLICT ({', '.join(cols[:4])}) DO UPDATE SET {rec} = {table}.{rec} + 1"
    )
    params: list[Any] = [value for key in unique for value in key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
