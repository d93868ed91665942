"""The grid worker's queue and patrol report, over HTTP: tabs and counts, the steps taken
from the queue (through workorders:act) and back, permissions, and the query cap."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from linli.accounts.navigation import home_url_for
from linli.workorders.models import Action, OrderState, Source, WorkOrder
from linli.workorders.services import (
    accept_order,
    dispatch_order,
    file_order,
    handle_order,
    return_order,
)
from linli.workorders.tests.conftest import Cast, centre

QUEUE = reverse("workorders:worker_queue")
PATROL = reverse("workorders:patrol")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def act(order: WorkOrder, action: str) -> str:
    return reverse("workorders:act", args=[order.pk, action])


@pytest.fixture
def worker(client: Any, cast: Cast) -> Any:
    client.force_login(cast.grid_worker)
    return client


def handled(cast: Cast, make_order: Any) -> WorkOrder:
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    return handle_order(order=order, by=cast.volunteer, note="已清理，恢复通行", photos=[png()])


def test_grid_workers_and_leaders_land_on_their_queue(cast: Cast) -> None:
    assert home_url_for(cast.grid_worker) == QUEUE
    assert home_url_for(cast.grid_leader) == QUEUE
    assert home_url_for(cast.dispatcher) == reverse("workorders:desk")


def test_queue_tabs_count_the_orders_of_each_step(worker: Any, cast: Cast, make_order: Any) -> None:
    make_order()  # reported
    filed = make_order()
    file_order(order=filed, by=cast.grid_worker)
    handled(cast, make_order)
    late = make_order()
    file_order(order=late, by=cast.grid_worker)
    dispatch_order(order=late, by=cast.grid_worker, to_user=cast.volunteer)
    WorkOrder.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    old = make_order()
    WorkOrder.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))

    response = worker.get(QUEUE)
    assert response.status_code == 200
    counts = {key: count for key, _, count in response.context["tabs"]}
    assert counts == {"new": 4, "to_file": 2, "to_dispatch": 1, "overdue": 1, "to_check": 1}
    page = response.content.decode()
    assert "新上报" in page and "待立案" in page and "待核查" in page

    response = worker.get(QUEUE, {"tab": "to_file"})
    assert [o.pk for o in response.context["orders"]] == [
        old.pk,
        WorkOrder.objects.order_by("pk").first().pk,
    ]  # type: ignore[union-attr]
    response = worker.get(QUEUE, {"tab": "overdue"})
    assert [o.pk for o in response.context["orders"]] == [late.pk]


def test_unknown_tab_falls_back_to_new(worker: Any) -> None:
    assert worker.get(QUEUE, {"tab": "nonsense"}).context["tab"] == "new"


def test_filing_from_the_queue_comes_back_to_it(worker: Any, cast: Cast, make_order: Any) -> None:
    order = make_order()
    here = f"{QUEUE}?tab=to_file"
    response = worker.post(act(order, "file"), {"next": here})
    assert response.status_code == 302 and response.url == here
    order.refresh_from_db()
    assert order.state == OrderState.FILED


def test_declining_needs_a_reason(worker: Any, make_order: Any) -> None:
    order = make_order()
    response = worker.post(act(order, "decline"), {"next": QUEUE, "note": ""})
    assert response.status_code == 400
    assert "原因：请填写原因。" in response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED
    worker.post(act(order, "decline"), {"next": QUEUE, "note": "重复上报"})
    order.refresh_from_db()
    assert order.state == OrderState.DECLINED


def test_resolving_on_the_spot_needs_a_photo(worker: Any, make_order: Any) -> None:
    order = make_order()
    response = worker.post(act(order, "resolve_on_spot"), {"next": QUEUE, "note": "已劝离"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED
    response = worker.post(
        act(order, "resolve_on_spot"), {"next": QUEUE, "note": "已劝离", "photos": [png()]}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED and order.resolved_on_spot
    assert order.photos.count() == 1


def test_the_check_tab_shows_the_result_and_closes_or_sends_back(
    worker: Any, cast: Cast, make_order: Any
) -> None:
    first, second = handled(cast, make_order), handled(cast, make_order)
    page = worker.get(QUEUE, {"tab": "to_check"}).content.decode()
    assert "已清理，恢复通行" in page and "志愿者钱" in page
    assert page.count('alt="结果照片"') == 2 or page.count("<img") >= 2
    worker.post(act(first, "close"), {"next": QUEUE})
    response = worker.post(act(second, "rework"), {"next": QUEUE, "note": "路面仍有杂物"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == OrderState.CLOSED
    assert second.state == OrderState.DISPATCHED and second.rework_count == 1


def test_a_returned_order_shows_the_reason_and_offers_dispatching_again(
    worker: Any, cast: Cast, make_order: Any
) -> None:
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    return_order(order=order, by=cast.volunteer, note="不在我的服务范围")
    page = worker.get(QUEUE, {"tab": "to_dispatch"}).content.decode()
    assert "不在我的服务范围" in page
    assert reverse("workorders:dispatch", args=[order.pk]) in page


def test_grid_worker_cannot_see_or_act_on_other_grids_orders(
    client: Any, cast: Cast, make_order: Any
) -> None:
    order = make_order()
    client.force_login(cast.other_grid_worker)
    response = client.get(QUEUE, {"tab": "to_file"})
    assert response.status_code == 200
    assert list(response.context["orders"]) == []
    assert client.post(act(order, "file"), {"next": QUEUE}).status_code == 404
    assert client.get(reverse("workorders:dispatch", args=[order.pk])).status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED


@pytest.mark.parametrize("who", ["resident", "volunteer", "dispatcher"])
def test_the_queue_is_for_grid_staff_only(client: Any, cast: Cast, who: str) -> None:
    client.force_login(getattr(cast, who))
    assert client.get(QUEUE).status_code == 404
    assert client.get(PATROL).status_code == 404


def test_the_queue_takes_a_fixed_number_of_queries(
    worker: Any, cast: Cast, make_order: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        handled(cast, make_order)
    with django_assert_max_num_queries(10):
        small = worker.get(QUEUE, {"tab": "to_check"})
    for _ in range(12):
        handled(cast, make_order)
    for _ in range(10):
        make_order()
    with django_assert_max_num_queries(10):
        big = worker.get(QUEUE, {"tab": "to_check"})
    with django_assert_max_num_queries(10):
        worker.get(QUEUE, {"tab": "new"})
    assert len(big.context["orders"]) == 15 > len(small.context["orders"])


def _patrol_data(cast: Cast, category: Any, **extra: Any) -> dict[str, Any]:
    lng, lat = centre(cast.tree["grid1a"])
    return {
        "category": category.pk,
        "description": "人行道井盖缺失",
        "lng": lng,
        "lat": lat,
        "crs": "wgs84",
        "client_token": "patrol-1",
        **extra,
    }


def test_patrol_report_creates_a_patrol_order_in_the_grid(
    worker: Any, cast: Cast, incident_category: Any
) -> None:
    assert worker.get(PATROL).status_code == 200
    response = worker.post(PATROL, _patrol_data(cast, incident_category, photos=[png()]))
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "workorders:detail", args=[order.pk]
    )
    assert order.source == Source.PATROL and order.reporter == cast.grid_worker
    assert order.grid == cast.tree["grid1a"] and order.state == OrderState.REPORTED
    assert order.photos.count() == 1
    # A retried post with the same token makes no second order.
    worker.post(PATROL, _patrol_data(cast, incident_category))
    assert WorkOrder.objects.count() == 1


def test_patrol_report_solved_on_the_spot_is_closed_with_its_evidence(
    worker: Any, cast: Cast, incident_category: Any
) -> None:
    data = _patrol_data(cast, incident_category, resolved="on", result="已放置警示标志并修复")
    response = worker.post(PATROL, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "照片" in text
    assert WorkOrder.objects.count() == 0
    response = worker.post(PATROL, {**data, "photos": [png()]})
    order = WorkOrder.objects.get()
    assert order.state == OrderState.CLOSED and order.resolved_on_spot
    step = order.events.get(action=Action.RESOLVE_ON_SPOT)
    assert step.photos.count() == 1 and order.photos.count() == 1


def test_patrol_report_names_the_bad_fields(worker: Any, cast: Cast) -> None:
    response = worker.post(PATROL, {"description": "", "lng": "", "lat": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert {"category", "description", "lng"} <= set(form.errors)
    assert WorkOrder.objects.count() == 0


def test_rework_and_on_the_spot_forms_use_the_chinese_photo_picker(
    worker: Any, cast: Cast, make_order: Any
) -> None:
    order = handled(cast, make_order)
    html = worker.get(QUEUE, {"tab": "to_check"}).content.decode()
    assert f'id="rework-photos-{order.pk}"' in html
    assert f'<label for="rework-photos-{order.pk}" class="btn secondary photo-pick">' in html
    assert "拍照或选择照片" in html
    fresh = make_order()
    html = worker.get(QUEUE).content.decode()
    spot = html[html.index(f'id="spot-photos-{fresh.pk}"') - 200 :]
    assert 'capture="environment" required multiple data-photos data-max="6"' in spot
