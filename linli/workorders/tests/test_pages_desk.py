"""The dispatch desk and approvals over HTTP: the region's cross-grid queue with filters and
a fixed number of queries, steps from the desk, and approving returns, extensions (with a
new deadline) and parking."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.workorders.models import OrderState, Source, WorkOrder
from linli.workorders.services import (
    accept_order,
    dispatch_order,
    file_order,
    park_order,
    request_extension,
    return_order,
)
from linli.workorders.tests.conftest import Cast, centre
from linli.workorders.tests.factories import CategoryFactory

DESK = reverse("workorders:desk")
APPROVALS = reverse("workorders:approvals")


def act(order: WorkOrder, action: str) -> str:
    return reverse("workorders:act", args=[order.pk, action])


@pytest.fixture
def desk(client: Any, cast: Cast) -> Any:
    client.force_login(cast.dispatcher)
    return client


def accepted(cast: Cast, make_order: Any) -> WorkOrder:
    order = make_order()
    file_order(order=order, by=cast.dispatcher)
    dispatch_order(order=order, by=cast.dispatcher, to_user=cast.volunteer)
    return accept_order(order=order, by=cast.volunteer)


def numbers(response: Any) -> set[str]:
    return {o.number for o in response.context["orders"]}


def test_dispatchers_see_their_region_only(desk: Any, cast: Cast, make_order: Any) -> None:
    mine = make_order()
    lng, lat = centre(cast.tree["grid2a"])
    other = make_order(lng=lng, lat=lat, reporter=cast.other_grid_worker, source=Source.PATROL)
    response = desk.get(DESK)
    assert response.status_code == 200
    assert numbers(response) == {mine.number}
    assert other.number not in response.content.decode()
    assert desk.post(act(other, "file"), {"next": DESK}).status_code == 404


def test_filters_narrow_the_queue(desk: Any, cast: Cast, make_order: Any) -> None:
    reported = make_order(description="井盖松动")
    filed = make_order(source=Source.HOTLINE, address="淇滨大道 1 号")
    file_order(order=filed, by=cast.dispatcher)
    late = accepted(cast, make_order)
    WorkOrder.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(hours=2))
    other_kind = make_order(category=CategoryFactory(parent__code="01", parent__name="公用设施"))

    assert numbers(desk.get(DESK, {"state": "filed"})) == {filed.number}
    assert numbers(desk.get(DESK, {"source": "hotline"})) == {filed.number}
    assert numbers(desk.get(DESK, {"overdue": "on"})) == {late.number}
    assert numbers(desk.get(DESK, {"q": "井盖"})) == {reported.number}
    assert numbers(desk.get(DESK, {"q": "淇滨大道"})) == {filed.number}
    assert numbers(desk.get(DESK, {"q": filed.number})) == {filed.number}
    major = other_kind.category.parent
    assert numbers(desk.get(DESK, {"category": major.pk})) == {other_kind.number}
    assert numbers(desk.get(DESK, {"community": cast.tree["community1"].pk})) == {
        reported.number, filed.number, late.number, other_kind.number,
    }  # fmt: skip


def test_region_filters_start_below_the_dispatchers_own_region(
    client: Any, cast: Cast, make_order: Any
) -> None:
    make_order()
    client.force_login(cast.dispatcher)  # a subdistrict: communities only
    assert client.get(DESK).context["form"].region_levels == ["community"]
    client.force_login(cast.admin)  # the city: districts, then their subdistricts
    form = client.get(DESK).context["form"]
    assert form.region_levels == ["district"]
    form = client.get(DESK, {"district": cast.tree["district2"].pk}).context["form"]
    assert form.region_levels == ["district", "subdistrict"]
    assert list(form.fields["subdistrict"].queryset) == [cast.tree["subdistrict2"]]
    response = client.get(DESK, {"district": cast.tree["district2"].pk})
    assert list(response.context["orders"]) == []


def test_bad_filter_values_are_named_not_a_500(desk: Any, make_order: Any) -> None:
    make_order()
    response = desk.get(
        DESK, {"state": "flying", "category": "x", "community": "999999", "page": "zz"}
    )
    assert response.status_code == 200
    assert {"state", "category", "community"} <= set(response.context["form"].errors)
    assert len(response.context["orders"]) == 1


def test_awaiting_approval_lists_returns_and_requests(
    desk: Any, cast: Cast, make_order: Any
) -> None:
    returned = accepted(cast, make_order)
    return_order(order=returned, by=cast.volunteer, note="不归我")
    extension = accepted(cast, make_order)
    request_extension(
        order=extension, by=cast.volunteer, amount=2, unit="working_days", note="缺材料"
    )
    accepted(cast, make_order)
    response = desk.get(DESK, {"state": "awaiting_approval"})
    assert numbers(response) == {returned.number, extension.number}
    assert response.context["counts"]["awaiting_approval"] == 2


def test_escalating_and_reminding_from_the_desk(desk: Any, cast: Cast, make_order: Any) -> None:
    order = accepted(cast, make_order)
    page = desk.get(DESK).content.decode()
    assert act(order, "escalate") in page and act(order, "remind") in page
    assert desk.post(act(order, "escalate"), {"next": DESK}).url == DESK
    desk.post(act(order, "remind"), {"next": DESK})
    order.refresh_from_db()
    assert order.escalation_count == 1 and order.remind_count == 1


def test_the_desk_takes_a_fixed_number_of_queries(
    desk: Any, cast: Cast, make_order: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        accepted(cast, make_order)
    with django_assert_max_num_queries(12):
        desk.get(DESK)
    for _ in range(40):
        make_order()
    with django_assert_max_num_queries(12):
        response = desk.get(DESK, {"community": cast.tree["community1"].pk, "q": "人行道"})
    assert len(response.context["orders"]) == 30
    assert response.context["page"].paginator.count == 43
    assert "page=2" in response.content.decode()


@pytest.mark.parametrize("who", ["grid_worker", "resident", "volunteer"])
def test_the_desk_is_for_dispatchers(client: Any, cast: Cast, who: str) -> None:
    client.force_login(getattr(cast, who))
    assert client.get(DESK).status_code == 404
    assert client.get(APPROVALS).status_code == 404


def test_approvals_page_lists_each_kind_with_its_reason(
    desk: Any, cast: Cast, make_order: Any, django_assert_max_num_queries: Any
) -> None:
    returned = accepted(cast, make_order)
    return_order(order=returned, by=cast.volunteer, note="地址不在本社区")
    extension = accepted(cast, make_order)
    request_extension(
        order=extension, by=cast.volunteer, amount=3, unit="working_days", note="等配件"
    )
    parking = accepted(cast, make_order)
    park_order(order=parking, by=cast.volunteer, note="需要冬季过后施工")
    with django_assert_max_num_queries(8):
        response = desk.get(APPROVALS)
    groups = response.context["groups"]
    assert [o.pk for o in groups["returns"]] == [returned.pk]
    assert [o.pk for o in groups["extensions"]] == [extension.pk]
    assert [o.pk for o in groups["parking"]] == [parking.pk]
    page = response.content.decode()
    for reason in ("地址不在本社区", "等配件", "需要冬季过后施工"):
        assert reason in page
    assert "申请延长 3 个工作日" in page


def test_approving_an_extension_with_a_new_deadline(desk: Any, cast: Cast, make_order: Any) -> None:
    order = accepted(cast, make_order)
    request_extension(order=order, by=cast.volunteer, amount=3, unit="working_days", note="等配件")
    before = WorkOrder.objects.get(pk=order.pk).deadline_at
    url = reverse("workorders:approve_extension", args=[order.pk])
    response = desk.post(url, {"amount": "999", "unit": "working_days"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.pending_request == "extension"  # refused input changes nothing
    desk.post(url, {"amount": "4", "unit": "working_hours", "note": "给半天"})
    order.refresh_from_db()
    assert order.pending_request == "" and order.extension_count == 1
    assert before is not None and order.deadline_at is not None
    assert timedelta(hours=4) <= order.deadline_at - before <= timedelta(days=3)
    event = order.events.order_by("-seq").first()
    assert event is not None and event.data["amount"] == 4 and event.data["unit"] == "working_hours"


def test_refusing_an_extension_and_deciding_parking_and_returns(
    desk: Any, cast: Cast, make_order: Any
) -> None:
    extension = accepted(cast, make_order)
    request_extension(order=extension, by=cast.volunteer, amount=1, unit="working_days", note="忙")
    parking = accepted(cast, make_order)
    park_order(order=parking, by=cast.volunteer, note="工程量大")
    returned = accepted(cast, make_order)
    return_order(order=returned, by=cast.volunteer, note="不归我")
    desk.post(act(extension, "refuse_extension"), {"note": "请按期完成", "next": APPROVALS})
    desk.post(act(parking, "approve_park"), {"next": APPROVALS})
    response = desk.post(act(returned, "approve_return"), {"next": APPROVALS})
    assert response.url == APPROVALS
    for o in (extension, parking, returned):
        o.refresh_from_db()
    assert extension.pending_request == "" and extension.extension_count == 0
    assert parking.state == OrderState.PARKED
    assert returned.state == OrderState.FILED and returned.assignee is None


def test_approving_an_extension_elsewhere_is_a_404(
    client: Any, cast: Cast, make_order: Any
) -> None:
    order = accepted(cast, make_order)
    request_extension(order=order, by=cast.volunteer, amount=1, unit="working_days", note="忙")
    client.force_login(cast.other_dispatcher)
    url = reverse("workorders:approve_extension", args=[order.pk])
    assert client.post(url, {"amount": "1", "unit": "working_days"}).status_code == 404


def test_the_desk_shows_open_orders_unless_asked_for_all(
    desk: Any, cast: Cast, make_order: Any
) -> None:
    from linli.workorders.services import decline_order

    open_one = make_order()
    declined = make_order()
    decline_order(order=declined, by=cast.dispatcher, note="重复")
    assert numbers(desk.get(DESK)) == {open_one.number}
    assert numbers(desk.get(DESK, {"state": "all"})) == {open_one.number, declined.number}
    assert numbers(desk.get(DESK, {"state": "declined"})) == {declined.number}


def test_a_parked_order_reads_clock_paused_not_late(desk: Any, cast: Cast, make_order: Any) -> None:
    from linli.workorders.services import approve_park

    order = accepted(cast, make_order)
    park_order(order=order, by=cast.volunteer, note="需要冬季过后施工")
    approve_park(order=order, by=cast.dispatcher)
    WorkOrder.objects.filter(pk=order.pk).update(deadline_at=timezone.now() - timedelta(days=3))
    html = desk.get(DESK).content.decode()
    row = html[html.index(order.number) :]
    row = row[: row.index("</tr>")]
    assert "暂停计时" in row
    assert "已超期" not in row
