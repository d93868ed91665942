"""The work-order demo step on the small city: deterministic, every order replays to its
stored state, every source, kind, state and responder kind is there, and the KPI counters
equal a rebuild from the events."""

import random
from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from linli.accounts.models import ResponderKind, RoleAssignment
from linli.territory.demo import Scale
from linli.territory.models import Region
from linli.workorders.demo import generate_orders
from linli.workorders.kpis import rebuild
from linli.workorders.models import (
    Category,
    OrderEvent,
    OrderNumberCounter,
    OrderState,
    Source,
    WorkOrder,
)
from linli.workorders.workflow import replay

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 16, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def seed_small() -> None:
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--scale", Scale.SMALL, "--force", stdout=StringIO())


def fingerprint(after: int) -> list[tuple]:
    """What the orders with ids above `after` and their events are, leaving out ids."""
    orders = WorkOrder.objects.filter(pk__gt=after).order_by("number").values_list(
        "number", "source", "category__code", "grid__code", "state", "created_at", "closed_at",
        "assignee__phone", "assignee_unit__name", "satisfaction", "overdue",
    )  # fmt: skip
    events = (
        OrderEvent.objects.filter(order_id__gt=after)
        .order_by("order__number", "seq")
        .values_list("order__number", "seq", "action", "actor__phone", "at", "data")
    )
    return [*orders, *events]


def test_small_demo_orders_replay_and_cover_every_case():
    seed_small()
    orders = list(WorkOrder.objects.select_related("category"))
    assert len(orders) >= 800
    for order in orders:
        replayed = replay(order)
        assert (replayed.state, replayed.events, replayed.rework_count, replayed.return_count,
                replayed.extension_count, replayed.escalation_count, replayed.reopened) == (
            order.state, order.event_seq, order.rework_count, order.return_count,
            order.extension_count, order.escalation_count, order.reopened,
        ), order.number  # fmt: skip
    assert {o.source for o in orders} == set(Source.values)
    assert {o.category.kind for o in orders} == set(Category.Kind.values)
    states = Counter(o.state for o in orders)
    for state in (OrderState.RATED, OrderState.CLOSED, OrderState.DECLINED, OrderState.CANCELLED):
        assert states[state], state
    assert sum(states[s] for s in (OrderState.FILED, OrderState.DISPATCHED, OrderState.ACCEPTED,
                                   OrderState.HANDLED, OrderState.RETURNED, OrderState.PARKED)) > 0  # fmt: skip
    assert any(o.overdue and o.is_open for o in orders) or any(o.overdue for o in orders)
    for flag in ("rework_count", "return_count", "extension_count", "reopened", "resolved_on_spot"):
        assert any(getattr(o, flag) for o in orders), flag
    assert any(o.satisfaction == "dissatisfied" for o in orders)
    holders = {o.assignee_id for o in orders if o.assignee_id}
    kinds = set(
        RoleAssignment.objects.filter(user_id__in=holders, role="responder").values_list(
            "responder_kind", flat=True
        )
    )
    assert kinds == set(ResponderKind.values)


def test_small_demo_counters_equal_a_rebuild_from_the_events():
    seed_small()
    kept = rebuild.counter_rows(), rebuild.category_rows()
    rebuild.rebuild_all()
    assert (rebuild.counter_rows(), rebuild.category_rows()) == kept


def test_the_same_seed_makes_the_same_orders():
    seed_small()
    city = Region.objects.get(level=Region.Level.CITY)
    before = WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def run(seed: int) -> list[tuple]:
        savepoint = transaction.savepoint()
        generate_orders(rng=random.Random(seed), city=city, count=120, now=NOW)
        made = fingerprint(before)
        transaction.savepoint_rollback(savepoint)
        return made

    first = run(7)
    assert len(first) > 120
    assert run(7) == first
    assert run(8) != first


def test_order_numbers_go_on_after_the_demo():
    seed_small()
    last = OrderNumberCounter.objects.order_by("-day").first()
    assert last is not None
    assert WorkOrder.objects.filter(number__startswith=f"{last.day:%Y%m%d}").count() == last.last
