"""Dispatch recommendations on hand-built responders with known answers, and the figures
they rank by (kept by the services, equal to a rebuild)."""

import math
from typing import Any

import pytest
from django.utils import translation

from linli.accounts.models import Organization, ResponderKind, Role
from linli.accounts.tests.factories import RoleFactory, UserFactory
from linli.territory.models import Region
from linli.workorders.models import DispatchStats, ResponderProfile, WorkOrder
from linli.workorders.recommend import recommend_responders, recommend_units
from linli.workorders.services import (
    accept_order,
    approve_return,
    close_order,
    dispatch_order,
    file_order,
    handle_order,
    rate_order,
    reopen_order,
    return_order,
)
from linli.workorders.services.dispatch_stats import rebuild_dispatch_stats
from linli.workorders.tests.conftest import Cast
from linli.workorders.tests.factories import CategoryFactory


def east_of(order: WorkOrder, metres: float) -> tuple[float, float]:
    return order.lng + metres / (111_320 * math.cos(math.radians(order.lat))), order.lat


@pytest.fixture
def order(make_order: Any) -> WorkOrder:
    return make_order()


@pytest.fixture
def quiet_cast(cast: Cast) -> None:
    """The cast's own responders (roles, no profiles) are not taking orders, so each test
    ranks only the responders it builds."""
    for user in (cast.volunteer, cast.other_volunteer, cast.merchant, cast.department_staff):
        ResponderProfile.objects.create(user=user, kind="volunteer", is_active=False)


@pytest.fixture
def responder(cast: Cast, order: WorkOrder, quiet_cast: None) -> Any:
    """responder(name, metres east of the order, kind=, skills=, open=, rated=, satisfied=,
    region=) → a responder taking orders, with figures set by hand."""

    def make(
        name: str,
        metres: float | None,
        *,
        kind: str = ResponderKind.VOLUNTEER,
        skills: tuple[Any, ...] = (),
        open: int = 0,
        rated: int = 0,
        satisfied: int = 0,
        region: Region | None = None,
        **profile: Any,
    ) -> Any:
        user = UserFactory(name=name)
        RoleFactory(
            user=user,
            role=Role.RESPONDER,
            region=region or cast.tree["community1"],
            responder_kind=kind,
        )
        lng, lat = east_of(order, metres) if metres is not None else (None, None)
        p = ResponderProfile.objects.create(user=user, kind=kind, lng=lng, lat=lat, **profile)
        p.skills.set(skills)
        if open or rated:
            DispatchStats.objects.create(
                user=user, open_orders=open, rated_orders=rated, satisfied_orders=satisfied
            )
        return user

    return make


def names(found: list[Any]) -> list[str]:
    return [r.name for r in found]


def test_skill_beats_distance(order: WorkOrder, responder: Any) -> None:
    responder("近邻志愿者", 100)
    responder("专业志愿者", 2000, skills=(order.category,))
    assert names(recommend_responders(order)) == ["专业志愿者", "近邻志愿者"]


def test_a_skill_in_the_major_class_counts_for_its_minor_classes(
    order: WorkOrder, responder: Any
) -> None:
    responder("近邻志愿者", 100)
    responder("大类能手", 2000, skills=(order.category.parent,))
    top = recommend_responders(order)[0]
    assert top.name == "大类能手"
    assert top.skilled


def test_nearer_ranks_higher_when_all_else_is_equal(order: WorkOrder, responder: Any) -> None:
    responder("远", 1500)
    responder("近", 300)
    responder("中", 800)
    assert names(recommend_responders(order)) == ["近", "中", "远"]


def test_lighter_load_ranks_higher(order: WorkOrder, responder: Any) -> None:
    responder("忙", 500, open=6)
    responder("闲", 500, open=0)
    responder("一般", 500, open=2)
    assert names(recommend_responders(order)) == ["闲", "一般", "忙"]


def test_better_rating_ranks_higher_and_one_lucky_rating_does_not_top_a_record(
    order: WorkOrder, responder: Any
) -> None:
    responder("口碑好", 500, rated=50, satisfied=49)
    responder("仅一评", 500, rated=1, satisfied=1)
    responder("口碑差", 500, rated=20, satisfied=8)
    responder("新人", 500)
    assert names(recommend_responders(order)) == ["口碑好", "仅一评", "新人", "口碑差"]


def test_reasons_read_in_chinese(order: WorkOrder, responder: Any) -> None:
    responder("王师傅", 350, skills=(order.category,), open=2, rated=25, satisfied=24)
    with translation.override("zh-hans"):
        (found,) = recommend_responders(order)
    assert found.reason_text == "擅长该类问题 · 距离 350 米 · 在办 2 单 · 满意率 96%"
    with translation.override("zh-hans"):
        responder("李阿姨", 2400)
        far = recommend_responders(order)[1]
    assert far.reason_text == "距离 2.4 公里 · 当前无在办 · 暂无评价"


def test_a_responder_beyond_their_own_radius_loses_some_points(
    order: WorkOrder, responder: Any
) -> None:
    responder("跑得远", 1000, service_radius_m=500)
    responder("在范围内", 1000)
    found = recommend_responders(order)
    assert names(found) == ["在范围内", "跑得远"]
    assert "超出其服务半径" in found[1].reasons


def test_only_kinds_the_category_allows_active_and_enabled(
    cast: Cast, order: WorkOrder, responder: Any
) -> None:
    responder("商家", 100, kind=ResponderKind.MERCHANT)  # category: department, volunteer
    responder("休息中", 100, is_active=False)
    disabled = responder("已停用", 100)
    disabled.is_active = False
    disabled.save(update_fields=["is_active"])
    responder("部门", 200, kind=ResponderKind.DEPARTMENT, region=cast.tree["district1"])
    assert names(recommend_responders(order)) == ["部门"]


def test_the_search_widens_when_few_are_near_and_stops_at_8_km(
    order: WorkOrder, responder: Any
) -> None:
    responder("五公里", 5000)
    responder("十公里", 10_000)
    assert names(recommend_responders(order)) == ["五公里"]
    for i in range(3):
        responder(f"近{i}", 100 * (i + 1))
    assert names(recommend_responders(order, limit=3)) == ["近0", "近1", "近2"]


def test_responders_with_no_service_point_who_serve_the_area_come_last(
    cast: Cast, order: WorkOrder, responder: Any
) -> None:
    responder("无定位", None, kind=ResponderKind.DEPARTMENT, region=cast.tree["district1"])
    responder("别区无定位", None, kind=ResponderKind.DEPARTMENT, region=cast.tree["district2"])
    responder("有定位", 3000)
    found = recommend_responders(order)
    assert names(found) == ["有定位", "无定位"]
    assert found[1].distance_m is None


def test_responders_of_other_areas_only_for_someone_who_dispatches_there(
    cast: Cast, order: WorkOrder, responder: Any
) -> None:
    responder("邻区志愿者", 300, region=cast.tree["community2"])
    assert recommend_responders(order) == []
    assert recommend_responders(order, by=cast.grid_worker) == []
    assert names(recommend_responders(order, by=cast.admin)) == ["邻区志愿者"]


def test_ranking_takes_at_most_five_queries_however_many_responders(
    order: WorkOrder, responder: Any, django_assert_max_num_queries: Any
) -> None:
    # Three circles fetched at most, who may be dispatched to (with names, figures and
    # skills), and those with no service point when too few are near.
    for i in range(30):
        responder(f"志愿者{i}", 50 * i, skills=(order.category,) if i % 3 == 0 else (), open=i % 4)
    with django_assert_max_num_queries(5):
        found = recommend_responders(order, limit=10)
    assert len(found) == 10
    for i in range(100):
        responder(f"新志愿者{i}", 5 * i)
    with django_assert_max_num_queries(2):  # 1 km holds enough: one circle
        found = recommend_responders(order, limit=10)
    assert len(found) == 10


def test_units_serving_the_area_ranked_by_named_kind_fit_load_and_rating(
    cast: Cast, order: WorkOrder, django_assert_num_queries: Any
) -> None:
    t = cast.tree
    property_co = Organization.objects.create(
        name="桂鹤物业", kind=Organization.Kind.PROPERTY_COMPANY, service_area=t["community1"]
    )
    city_unit = Organization.objects.create(
        name="市城管局", kind=Organization.Kind.DEPARTMENT, service_area=t["city"]
    )
    Organization.objects.create(
        name="山城区城管", kind=Organization.Kind.DEPARTMENT, service_area=t["district2"]
    )
    with django_assert_num_queries(1):
        found = recommend_units(order)
    # The category names department and volunteer: the property company is not offered, and
    # the district's unit fits the order better than the city's.
    assert [u.name for u in found] == ["淇滨区市政管理处", "市城管局"]
    assert found[0].reasons[0] == "负责该类问题"
    DispatchStats.objects.create(organization=cast.unit, open_orders=9)
    assert [u.name for u in recommend_units(order)] == ["市城管局", "淇滨区市政管理处"]
    DispatchStats.objects.filter(organization=cast.unit).update(open_orders=0)
    open_category = CategoryFactory(responder_kinds=[])
    order.category = open_category
    found = recommend_units(order)
    assert [u.responder_id for u in found] == [property_co.pk, cast.unit.pk, city_unit.pk]
    with translation.override("zh-hans"):
        assert recommend_units(order)[0].reason_text == "服务范围：朝阳社区 · 当前无在办 · 暂无评价"


def _figures() -> dict[tuple[int | None, int | None], tuple[int, int, int]]:
    return {
        (s.user_id, s.organization_id): (s.open_orders, s.rated_orders, s.satisfied_orders)
        for s in DispatchStats.objects.all()
        if s.open_orders or s.rated_orders
    }


def test_figures_follow_every_step_and_equal_a_rebuild(cast: Cast, make_order: Any) -> None:
    first, second, third = make_order(), make_order(), make_order()
    for o in (first, second, third):
        file_order(order=o, by=cast.grid_worker)
    dispatch_order(order=first, by=cast.grid_worker, to_user=cast.volunteer)
    dispatch_order(order=second, by=cast.grid_worker, to_unit=cast.unit)
    dispatch_order(order=third, by=cast.grid_worker, to_user=cast.volunteer)
    assert _figures() == {(cast.volunteer.pk, None): (2, 0, 0), (None, cast.unit.pk): (1, 0, 0)}

    accept_order(order=second, by=cast.department_staff)
    accept_order(order=first, by=cast.volunteer)
    handle_order(order=first, by=cast.volunteer, note="已清理")
    close_order(order=first, by=cast.grid_worker)
    rate_order(order=first, by=cast.resident, resolved=False, satisfaction="dissatisfied")
    return_order(order=third, by=cast.volunteer, note="不归我管")
    approve_return(order=third, by=cast.grid_worker)
    assert _figures() == {
        (cast.volunteer.pk, None): (0, 1, 0),
        (None, cast.unit.pk): (1, 0, 0),
        (cast.department_staff.pk, None): (1, 0, 0),
    }
    reopen_order(order=first, by=cast.resident, note="没修好")
    incremental = _figures()
    assert incremental == {
        (None, cast.unit.pk): (1, 0, 0),
        (cast.department_staff.pk, None): (1, 0, 0),
    }
    rebuild_dispatch_stats()
    assert _figures() == incremental


def test_the_circle_of_candidates_is_read_from_the_cell_index(order: WorkOrder) -> None:
    from django.db import connection

    from linli.workorders.recommend import _Cell, _cells, _profiles

    lat_cells, lng_range = _cells(order.lng, order.lat, 1000)
    query = (
        _profiles(order)
        .alias(lat_cell=_Cell("lat"), lng_cell=_Cell("lng"))
        .filter(lat_cell__in=lat_cells, lng_cell__range=lng_range)
        .values_list("pk", "user_id", "kind", "lng", "lat", "service_radius_m")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN {'QUERY PLAN ' if connection.vendor == 'sqlite' else ''}{sql}", params
        )
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "responder_cell_covering" in plan


def test_responders_with_no_profile_yet_are_offered_last(cast: Cast, order: WorkOrder) -> None:
    # The cast's volunteer and department staff have roles but no profiles yet.
    found = recommend_responders(order)
    assert {r.name for r in found} == {"志愿者钱", "市政张工"}
    assert all(r.distance_m is None for r in found)
    with translation.override("zh-hans"):
        assert "未登记服务点" in recommend_responders(order)[0].reason_text
    ResponderProfile.objects.create(user=cast.volunteer, kind="volunteer", is_active=False)
    assert [r.name for r in recommend_responders(order)] == ["市政张工"]
