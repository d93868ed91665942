"""The dispatch page over HTTP: ranked recommendations with their reasons, dispatching to a
person or a unit, re-dispatching a returned order, looking others up, and who may."""

from typing import Any

import pytest
from django.urls import reverse

from linli.accounts.models import Organization, ResponderKind, Role
from linli.accounts.tests.factories import RoleFactory, UserFactory
from linli.workorders.models import Action, DispatchStats, OrderState, ResponderProfile, WorkOrder
from linli.workorders.services import dispatch_order, file_order, return_order
from linli.workorders.tests.conftest import Cast
from linli.workorders.tests.test_recommend import east_of


def url(order: WorkOrder) -> str:
    return reverse("workorders:dispatch", args=[order.pk])


@pytest.fixture
def filed(cast: Cast, make_order: Any) -> WorkOrder:
    order = make_order()
    return file_order(order=order, by=cast.grid_worker)


@pytest.fixture
def profiles(cast: Cast, filed: WorkOrder) -> None:
    """The cast's volunteer 300 m away and skilled; a second volunteer 1.2 km away and busy."""
    lng, lat = east_of(filed, 300)
    p = ResponderProfile.objects.create(
        user=cast.volunteer, kind=ResponderKind.VOLUNTEER, lng=lng, lat=lat
    )
    p.skills.add(filed.category)
    busy = UserFactory(name="志愿者卫")
    RoleFactory(user=busy, role=Role.RESPONDER, region=cast.tree["community1"])
    lng, lat = east_of(filed, 1200)
    ResponderProfile.objects.create(user=busy, kind=ResponderKind.VOLUNTEER, lng=lng, lat=lat)
    DispatchStats.objects.create(user=busy, open_orders=4, rated_orders=10, satisfied_orders=9)


def test_the_page_ranks_people_and_units_with_reasons(
    client: Any, cast: Cast, filed: WorkOrder, profiles: None
) -> None:
    client.force_login(cast.grid_worker)
    response = client.get(url(filed))
    assert response.status_code == 200
    people = response.context["people"]
    # The department's staff serve the district but have no service point: last.
    assert [p.name for p in people] == ["志愿者钱", "志愿者卫", "市政张工"]
    page = response.content.decode()
    assert "擅长该类问题 · 距离 300 米 · 当前无在办 · 暂无评价" in page
    assert "距离 1.2 公里 · 在办 4 单 · 满意率 90%" in page
    assert "淇滨区市政管理处" in page  # the unit serving the district
    assert 'aria-label="派单给志愿者钱"' in page


def test_dispatching_to_a_recommended_person_goes_back_to_the_queue(
    client: Any, cast: Cast, filed: WorkOrder, profiles: None
) -> None:
    client.force_login(cast.grid_worker)
    back = reverse("workorders:worker_queue") + "?tab=to_dispatch"
    response = client.post(
        url(filed), {"to_user": cast.volunteer.pk, "note": "请尽快", "next": back}
    )
    assert response.status_code == 302 and response.url == back
    filed.refresh_from_db()
    assert filed.state == OrderState.DISPATCHED and filed.assignee == cast.volunteer
    assert filed.deadline_at is not None
    assert DispatchStats.objects.get(user=cast.volunteer).open_orders == 1


def test_dispatching_to_a_unit(client: Any, cast: Cast, filed: WorkOrder) -> None:
    client.force_login(cast.dispatcher)
    response = client.post(url(filed), {"to_unit": cast.unit.pk})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.assignee_unit == cast.unit and filed.assignee is None


def test_a_responder_out_of_reach_is_refused_with_a_message(
    client: Any, cast: Cast, filed: WorkOrder
) -> None:
    client.force_login(cast.grid_worker)
    response = client.post(url(filed), {"to_user": cast.other_volunteer.pk})
    assert response.status_code == 400
    assert "不是" in response.content.decode() or response.context["form"].errors
    assert "to_user" in response.context["form"].errors
    filed.refresh_from_db()
    assert filed.state == OrderState.FILED


def test_choosing_nobody_is_refused(client: Any, cast: Cast, filed: WorkOrder) -> None:
    client.force_login(cast.grid_worker)
    response = client.post(url(filed), {"note": "?"})
    assert response.status_code == 400
    assert response.context["form"].errors


def test_a_returned_order_is_dispatched_again_to_someone_else(
    client: Any, cast: Cast, filed: WorkOrder, profiles: None
) -> None:
    dispatch_order(order=filed, by=cast.grid_worker, to_user=cast.volunteer)
    return_order(order=filed, by=cast.volunteer, note="这不是志愿服务能办的")
    client.force_login(cast.grid_worker)
    response = client.get(url(filed))
    assert "这不是志愿服务能办的" in response.content.decode()
    assert [p.name for p in response.context["people"]] == ["志愿者卫", "市政张工"]
    client.post(url(filed), {"to_unit": cast.unit.pk})
    filed.refresh_from_db()
    assert filed.state == OrderState.DISPATCHED and filed.assignee_unit == cast.unit
    steps = list(filed.events.order_by("seq").values_list("action", flat=True))
    assert steps[-3:] == [Action.RETURN, Action.APPROVE_RETURN, Action.DISPATCH]


def test_an_order_already_dispatched_goes_to_its_page(
    client: Any, cast: Cast, filed: WorkOrder
) -> None:
    dispatch_order(order=filed, by=cast.grid_worker, to_user=cast.volunteer)
    client.force_login(cast.grid_worker)
    response = client.get(url(filed))
    assert response.status_code == 302
    assert response.url == reverse("workorders:detail", args=[filed.pk])


def test_looking_up_people_and_units_the_dispatcher_may_reach(
    client: Any, cast: Cast, filed: WorkOrder
) -> None:
    far = Organization.objects.create(
        name="山城区市政所", kind=Organization.Kind.DEPARTMENT, service_area=cast.tree["district2"]
    )
    client.force_login(cast.dispatcher)
    found = client.get(url(filed), {"q": "市政"}).context["found"]
    assert [u.name for u in found["units"]] == ["淇滨区市政管理处"]
    assert [p.name for p in found["people"]] == ["市政张工"]
    client.force_login(cast.admin)
    found = client.get(url(filed), {"q": "市政"}).context["found"]
    assert {u.pk for u in found["units"]} == {cast.unit.pk, far.pk}


@pytest.mark.parametrize("who", ["resident", "volunteer", "other_grid_worker", "other_dispatcher"])
def test_only_those_who_may_dispatch_see_the_page(
    client: Any, cast: Cast, filed: WorkOrder, who: str
) -> None:
    client.force_login(getattr(cast, who))
    assert client.get(url(filed)).status_code == 404
    assert client.post(url(filed), {"to_user": cast.volunteer.pk}).status_code == 404
    filed.refresh_from_db()
    assert filed.state == OrderState.FILED


def test_the_page_takes_a_fixed_number_of_queries(
    client: Any, cast: Cast, filed: WorkOrder, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        user = UserFactory(name=f"志愿者{i}")
        RoleFactory(user=user, role=Role.RESPONDER, region=cast.tree["community1"])
        lng, lat = east_of(filed, 100 * i)
        p = ResponderProfile.objects.create(user=user, kind="volunteer", lng=lng, lat=lat)
        if i % 2:
            p.skills.add(filed.category)
    client.force_login(cast.dispatcher)
    with django_assert_max_num_queries(16):
        response = client.get(url(filed), {"q": "志愿"})
    assert len(response.context["people"]) == 8
