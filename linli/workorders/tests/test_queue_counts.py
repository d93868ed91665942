"""The queue's tab counts: the same figures as counting each tab over the region's whole
history, read only from the orders some tab holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.workorders.models import OrderState, WorkOrder
from linli.workorders.queues import desk_counts, tab_counts, worker_tab_filters
from linli.workorders.tests.conftest import Cast, centre

pytestmark = pytest.mark.django_db

# What the tab filters look at: state, age, the overdue mark and the running deadline.
order_shapes = st.tuples(
    st.sampled_from(list(OrderState)),
    st.integers(min_value=0, max_value=72),  # hours since reported (NEW is the last 24)
    st.booleans(),  # marked overdue
    st.one_of(st.none(), st.integers(min_value=-48, max_value=48)),  # deadline, hours from now
)


@pytest.fixture
def orders(cast: Cast, make_order: Any) -> list[WorkOrder]:
    """Eight orders in grid1a (district 1) and four in grid2a (district 2)."""
    made = [make_order() for _ in range(8)]
    lng, lat = centre(cast.tree["grid2a"])
    made += [make_order(lng=lng, lat=lat) for _ in range(4)]
    assert {o.grid_id for o in made} == {cast.tree["grid1a"].pk, cast.tree["grid2a"].pk}
    return made


def _reshape(orders: list[WorkOrder], shapes: list[tuple[Any, ...]]) -> None:
    now = timezone.now()
    for order, (state, age, overdue, deadline) in zip(orders, shapes, strict=False):
        WorkOrder.objects.filter(pk=order.pk).update(
            state=state,
            created_at=now - timedelta(hours=age, minutes=1),
            overdue=overdue,
            deadline_at=None if deadline is None else now + timedelta(hours=deadline),
        )


def _each_tab_over_everything(orders: Any, filters: dict[str, Any]) -> dict[str, int]:
    return {name: orders.filter(q).count() for name, q in filters.items()}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shapes=st.lists(order_shapes, min_size=12, max_size=12), scope=st.integers(0, 4))
def test_tab_counts_equal_counting_each_tab_over_the_whole_history(
    cast: Cast, orders: list[WorkOrder], shapes: list[tuple[Any, ...]], scope: int
) -> None:
    _reshape(orders, shapes)
    tree = cast.tree
    paths = [
        [tree["grid1a"].path],
        [tree["community1"].path],
        [tree["district1"].path],
        [tree["city"].path],
        [tree["grid1a"].path, tree["grid2a"].path],
    ][scope]
    mine = WorkOrder.objects.in_region_paths(paths)
    now = timezone.now()
    filters = worker_tab_filters(now)
    assert tab_counts(mine, filters) == _each_tab_over_everything(mine, filters)
    desk = desk_counts(mine)
    assert desk["to_file"] == mine.filter(state=OrderState.REPORTED).count()
    assert desk["to_check"] == mine.filter(state=OrderState.HANDLED).count()


def test_closed_orders_count_only_while_new(cast: Cast, orders: list[WorkOrder]) -> None:
    # The first two closed today and long ago; the rest open, reported three days ago.
    shapes = [(OrderState.CLOSED, 2, False, None), (OrderState.CLOSED, 60, True, -5)]
    _reshape(orders, shapes + [(OrderState.REPORTED, 72, False, None)] * 10)
    mine = WorkOrder.objects.in_region_paths([cast.tree["grid1a"].path])
    assert tab_counts(mine, worker_tab_filters()) == {
        "new": 1, "to_file": 6, "to_dispatch": 0, "overdue": 0, "to_check": 0,
    }  # fmt: skip


def test_no_tabs_no_counts(cast: Cast, orders: list[WorkOrder]) -> None:
    assert tab_counts(WorkOrder.objects.all(), {}) == {}


def test_tab_counts_are_one_query_that_reads_orders_through_indexes(
    cast: Cast, orders: list[WorkOrder]
) -> None:
    mine = WorkOrder.objects.in_region_paths([cast.tree["community1"].path])
    with CaptureQueriesContext(connection) as queries:
        tab_counts(mine, worker_tab_filters())
    assert len(queries.captured_queries) == 1
    if connection.vendor != "sqlite":
        return  # PostgreSQL plans a dozen rows by scanning them; its plans follow the data
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "SCAN" not in plan.replace("SCAN (subquery", ""), plan  # no table scans
    assert "workorder_state_region (state=? AND region_path>? AND region_path<?)" in plan, plan
    assert "workorder_region_created (region_path>? AND region_path<?" in plan, plan
