"""The work-order demo step (seed_demo): the category tree, and a year of orders in the demo
city from every source, of every category kind, in every state and with every kind of
responder, including overdue, returned, reworked, extended, parked, dissatisfied and
reopened ones. Each order's events follow the transition table (replaying them gives the
stored order); they are generated in memory and bulk-inserted, then the KPI facts and
counters are built from them. Deterministic for a given rng and `now`."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.territory.demo import Scale
from linli.territory.demo.names import person_name
from linli.territory.models import Region
from linli.workorders.classes import category_classes
from linli.workorders.deadlines import WorkCalendar
from linli.workorders.demo import bulk
from linli.workorders.demo.cast import Cast, Grid
from linli.workorders.demo.life import Life
from linli.workorders.kpis import formulas, rebuild, store
from linli.workorders.kpis.formulas import Step
from linli.workorders.models import (
    Action,
    Category,
    OrderEvent,
    OrderFacts,
    OrderNumberCounter,
    WorkOrder,
)
from linli.workorders.services.categories import load_categories_file
from linli.workorders.services.dispatch_stats import rebuild_dispatch_stats

ORDERS = {Scale.SMALL: 900, Scale.CITY: 20_000, Scale.MEGACITY: 40_000}
DAYS = 365
KIND_SHARE = {
    Category.Kind.SERVICE: 0.35,
    Category.Kind.INCIDENT: 0.45,
    Category.Kind.COMPONENT: 0.2,
}
SOURCES: dict[str, list[tuple[str, float]]] = {
    Category.Kind.SERVICE: [("resident", 55), ("app", 15), ("visit", 15), ("hotline", 15)],
    Category.Kind.INCIDENT: [("resident", 25), ("patrol", 30), ("hotline", 25), ("inspection", 10), ("device", 10)],
    Category.Kind.COMPONENT: [("patrol", 40), ("device", 20), ("hotline", 20), ("inspection", 10), ("resident", 10)],
}  # fmt: skip
OPENINGS = {
    "resident": "",
    "app": "（小程序）",
    "hotline": "市民来电反映：",
    "patrol": "巡查发现：",
    "device": "设备告警：",
    "inspection": "检查发现：",
    "visit": "入户走访中居民反映：",
}
_SELF_SOURCES = {"resident", "app"}
EVENT_COLUMNS = (
    "id",
    "order_id",
    "seq",
    "action",
    "actor_id",
    "from_state",
    "to_state",
    "at",
    "note",
    "data",
)


def make_demo_orders(
    *, rng: random.Random, scale: Scale, city: Region, now: datetime | None = None
) -> None:
    if not Category.objects.exists():
        load_categories_file()
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    generate_orders(rng=rng, city=city, count=ORDERS[Scale(scale)], now=now)


def _categories() -> dict[str, list[tuple[Category, float]]]:
    leaves = list(Category.objects.active().leaves().filter(level__gt=1).order_by("kind", "code"))
    by_kind: dict[str, list[tuple[Category, float]]] = defaultdict(list)
    for n, category in enumerate(leaves):
        # A few categories are reported far more often than the rest (Zipf-like).
        by_kind[category.kind].append((category, 1 / (1 + (n * 7919) % 23)))
    return by_kind


def _day_weights(now: datetime) -> list[float]:
    start = timezone.localdate(now) - timedelta(days=DAYS - 1)
    weights = []
    for n in range(DAYS):
        day = start + timedelta(days=n)
        season = 1 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365)
        weights.append(season * (0.65 if day.weekday() >= 5 else 1.0))
    return weights


def generate_orders(*, rng: random.Random, city: Region, count: int, now: datetime) -> int:
    """Generate `count` orders over the year before `now`, with their events, KPI facts and
    counters, in one transaction. Returns the number of events."""
    cast = Cast.load(city)
    categories = _categories()
    grid_weights = [rng.lognormvariate(0, 0.9) for _ in cast.grids]
    start_day = timezone.localdate(now) - timedelta(days=DAYS - 1)
    days = rng.choices(range(DAYS), weights=_day_weights(now), k=count)
    calendar = WorkCalendar.load()
    lives: list[Life] = []
    for day_offset in sorted(days):
        minute = rng.randint(7 * 60, 21 * 60)
        created = datetime.combine(start_day + timedelta(days=day_offset), clock(), tzinfo=timezone.get_current_timezone()) + timedelta(minutes=minute)  # fmt: skip
        if created >= now:
            created = now - timedelta(minutes=rng.randint(1, 600))
        grid = rng.choices(cast.grids, weights=grid_weights)[0]
        life = _new_life(rng, cast, grid, categories, created, now, calendar)
        lives.append(life)
    lives.sort(key=lambda life: life.order.created_at)
    with transaction.atomic():
        events = _write(lives)
    return events


def _new_life(
    rng: random.Random,
    cast: Cast,
    grid: Grid,
    categories: dict[str, list[tuple[Category, float]]],
    created: datetime,
    now: datetime,
    calendar: WorkCalendar,
) -> Life:
    staff = cast.staff(grid, rng)
    for _ in range(8):
        kind = rng.choices(list(KIND_SHARE), weights=list(KIND_SHARE.values()))[0]
        options = categories[kind]
        category = rng.choices([c for c, _ in options], weights=[w for _, w in options])[0]
        if staff.targets(category):
            break
    source = rng.choices([s for s, _ in SOURCES[kind]], weights=[w for _, w in SOURCES[kind]])[0]
    if source in _SELF_SOURCES and staff.requester is None:
        source = "hotline"
    requester = (
        staff.requester
        if source in _SELF_SOURCES or (source == "visit" and rng.random() < 0.5)
        else None
    )
    reporter = {
        "resident": requester, "app": requester, "hotline": cast.dispatchers[grid.ids[0]],
        "patrol": staff.grid_worker, "visit": staff.grid_worker, "inspection": staff.dispatcher,
        "device": None,
    }[source]  # fmt: skip
    name = (
        person_name(rng, male=rng.random() < 0.5)
        if source in ("hotline", "visit") and requester is None
        else ""
    )
    order = WorkOrder(
        source=source,
        category=category,
        description=f"{OPENINGS[source]}{grid.name}附近{category.name}，请尽快处理。",
        lng=grid.lng + rng.uniform(-0.0003, 0.0003),
        lat=grid.lat + rng.uniform(-0.0003, 0.0003),
        address=f"{grid.name}附近",
        grid_id=grid.pk,
        district_id=grid.ids[1],
        subdistrict_id=grid.ids[2],
        community_id=grid.ids[3],
        region_path=grid.path,
        requester_id=requester,
        requester_name=name,
        requester_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if name else "",
        reporter_id=reporter,
        urgent=rng.random() < (0.3 if category.name in ("燃气泄漏", "路面塌陷") else 0.04),
        state="",  # the report event makes it "reported"
        created_at=created,
    )
    life = Life(order=order, category=category, staff=staff, rng=rng, now=now, calendar=calendar)
    report = {"source": source, "urgent": order.urgent, "category": category.code}
    life._event(Action.REPORT, reporter, created, "", report)
    auto = source in _SELF_SOURCES and category.auto_file_resident_orders
    if auto:
        order.filed_at = created
        life._event(Action.FILE, None, created, "该类诉求自动立案。", {})
    life.live(auto_filed=auto)
    return life


def _write(lives: list[Life]) -> int:
    # Numbers go on from the day's counter, as next_order_number would hand them out.
    serials: dict[Any, int] = defaultdict(
        int, OrderNumberCounter.objects.values_list("day", "last")
    )
    for life in lives:
        day = timezone.localdate(life.order.created_at)
        serials[day] += 1
        life.order.number = f"{day:%Y%m%d}{serials[day]:05d}"
    order_id, event_id = bulk.next_id(WorkOrder), bulk.next_id(OrderEvent)
    events: list[tuple[Any, ...]] = []
    facts: list[tuple[Any, ...]] = []
    classes = category_classes()
    for n, life in enumerate(lives):
        o = life.order
        o.pk = order_id + n
        steps = []
        for e in life.events:
            events.append(
                (
                    event_id,
                    o.pk,
                    e.seq,
                    e.action,
                    e.actor_id,
                    e.from_state,
                    e.to_state,
                    e.at,
                    e.note,
                    e.data,
                )
            )
            steps.append(Step(e.action, e.to_state, e.at, e.actor_id, e.data))
            event_id += 1
        place = store.place_of(
            created_at=o.created_at, region_path=o.region_path, district_id=o.district_id,
            subdistrict_id=o.subdistrict_id, community_id=o.community_id, grid_id=o.grid_id,
            category_id=o.category_id, source=o.source, classes=classes,
        )  # fmt: skip
        found = store.replay_facts(o.created_at, steps)
        facts.append(store.facts_tuple(o.pk, place, found, formulas.contributions(found)))
    order_columns = [f.attname for f in WorkOrder._meta.concrete_fields]
    bulk.insert(
        WorkOrder, order_columns, bulk.model_rows([life.order for life in lives], order_columns)
    )
    bulk.insert(OrderEvent, EVENT_COLUMNS, events)
    bulk.insert(OrderFacts, store.FACTS_COLUMNS, facts)
    bulk.reset_sequences(WorkOrder, OrderEvent)
    rebuild.rebuild_counters()
    OrderNumberCounter.objects.bulk_create(
        [OrderNumberCounter(day=day, last=n) for day, n in serials.items()],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["last"],
    )
    rebuild_dispatch_stats()
    return len(events)
