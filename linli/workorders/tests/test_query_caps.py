"""The resident's submit page and the grid worker's queue make a fixed number of queries however
much data there is: each page is measured with little data, then again after more orders,
categories, grids and supporters, and must stay at the same count under a fixed cap.

The other pages carry their caps beside their own tests (test_pages_*.py)."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.territory.tests.factories import GridFactory
from linli.workorders.models import OrderSupport, WorkOrder
from linli.workorders.queues import WorkerTab
from linli.workorders.services import accept_order, dispatch_order, file_order, handle_order
from linli.workorders.tests.conftest import Cast, centre
from linli.workorders.tests.factories import CategoryFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db

NEW = reverse("workorders:new")
NEARBY = reverse("workorders:nearby")
QUEUE = reverse("workorders:worker_queue")
PATROL = reverse("workorders:patrol")

SUBMIT_PAGE_CAP = 10
SUBMIT_CAP = 24
NEARBY_CAP = 9
QUEUE_CAP = 10
PATROL_CAP = 9


@pytest.fixture(autouse=True)
def _grid_index_checked_once(settings: Any) -> None:
    # The point index checks the territory's version at most every few seconds: one query
    # more on some requests than on others. Checked once per test here, so counts compare.
    settings.GRID_INDEX_RECHECK_SECONDS = 3600


def count_queries(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return len(queries.captured_queries)


def more_data(cast: Cast, make_order: Any, incident_category: Any, rounds: int = 1) -> None:
    """Orders in every step of the queue, supporters, categories and grids near the home grid."""
    for i in range(8 * rounds):
        order = make_order(description=f"待立案{i}")
        OrderSupport.objects.create(order=order, user=cast.neighbour)
        filed = file_order(order=make_order(description=f"待派遣{i}"), by=cast.grid_worker)
        dispatch_order(order=filed, by=cast.grid_worker, to_user=cast.volunteer)
        accept_order(order=filed, by=cast.volunteer)
        if i % 2:
            handle_order(order=filed, by=cast.volunteer, note="已处理")
        file_order(order=make_order(description=f"已立案{i}"), by=cast.grid_worker)
    late = timezone.now() - timedelta(days=3)
    WorkOrder.objects.filter(state="accepted").update(deadline_at=late)
    for _ in range(5 * rounds):
        CategoryFactory(parent=incident_category.parent)
        ServiceCategoryFactory()
    community = cast.tree["grid1a"].parent
    for i in range(5 * rounds):
        GridFactory(parent=community, name=f"加密网格{rounds}-{i}")


def test_the_submit_page_takes_a_fixed_number_of_queries(
    client: Any, cast: Cast, make_order: Any, incident_category: Any
) -> None:
    client.force_login(cast.resident)
    small = count_queries(client, "get", NEW)
    more_data(cast, make_order, incident_category)
    big = count_queries(client, "get", NEW)
    assert big == small <= SUBMIT_PAGE_CAP


def test_submitting_an_order_takes_a_fixed_number_of_queries(
    client: Any, cast: Cast, make_order: Any, incident_category: Any
) -> None:
    client.force_login(cast.resident)
    lng, lat = centre(cast.tree["grid1a"])
    form = {"category": incident_category.pk, "description": "路灯不亮", "lng": lng, "lat": lat}
    count_queries(client, "post", NEW, form | {"client_token": "warm"})
    small = count_queries(client, "post", NEW, form | {"client_token": "a"})
    more_data(cast, make_order, incident_category)  # new grids: the index is rebuilt once
    count_queries(client, "post", NEW, form | {"client_token": "warm again"})
    big = count_queries(client, "post", NEW, form | {"client_token": "b"})
    assert big == small <= SUBMIT_CAP


def test_the_place_check_takes_a_fixed_number_of_queries(
    client: Any, cast: Cast, make_order: Any, incident_category: Any
) -> None:
    client.force_login(cast.neighbour)
    lng, lat = centre(cast.tree["grid1a"])
    place = {"lng": lng, "lat": lat, "crs": "wgs84", "category": incident_category.pk}
    make_order()
    count_queries(client, "get", NEARBY, place)
    small = count_queries(client, "get", NEARBY, place)
    more_data(cast, make_order, incident_category)  # new grids: the index is rebuilt once
    count_queries(client, "get", NEARBY, place)
    big = count_queries(client, "get", NEARBY, place)
    assert big == small <= NEARBY_CAP


@pytest.mark.parametrize("tab", WorkerTab.values)
def test_every_tab_of_the_queue_takes_a_fixed_number_of_queries(
    client: Any, cast: Cast, make_order: Any, incident_category: Any, tab: str
) -> None:
    client.force_login(cast.grid_worker)
    more_data(cast, make_order, incident_category)
    small = count_queries(client, "get", QUEUE, {"tab": tab})
    more_data(cast, make_order, incident_category, rounds=3)
    big = count_queries(client, "get", QUEUE, {"tab": tab})
    assert big == small <= QUEUE_CAP
    assert count_queries(client, "get", QUEUE, {"tab": tab, "page": 2}) <= QUEUE_CAP


def test_the_patrol_page_takes_a_fixed_number_of_queries(
    client: Any, cast: Cast, make_order: Any, incident_category: Any
) -> None:
    client.force_login(cast.grid_worker)
    small = count_queries(client, "get", PATROL)
    more_data(cast, make_order, incident_category)
    big = count_queries(client, "get", PATROL)
    assert big == small <= PATROL_CAP


def test_the_client_token_lookup_uses_its_unique_index(
    cast: Cast, make_order: Any, incident_category: Any
) -> None:
    """A retried submission is found by (reporter, token) through the partial unique index,
    not by reading every order the reporter ever entered (a patrol worker or a hotline
    operator enters thousands)."""
    make_order(client_token="first")
    with CaptureQueriesContext(connection) as queries:
        again = make_order(client_token="first")
    assert WorkOrder.objects.filter(client_token="first").get() == again
    lookup = next(
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "client_token" in q["sql"]
    )
    # The query repeats the index's condition, so any planner may use the partial index …
    assert """NOT ("workorders_workorder"."client_token" = '')""" in lookup
    if connection.vendor == "sqlite":
        # … and SQLite's does (PostgreSQL's choice depends on its statistics).
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + lookup)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "workorder_unique_client_token" in plan
