"""The other resources: regions and grids (tree, detail, lookup), categories, KPIs, the
person's notifications and roles — each scoped as its pages are."""

import pytest

from linli.accounts.notifications import notify
from linli.api.tests.api_setup import *  # noqa: F403
from linli.lib.geo import wgs84_to_gcj02
from linli.workorders.services import file_order
from linli.workorders.tests.conftest import centre

pytestmark = pytest.mark.django_db


def codes(answer):
    assert answer.status_code == 200, answer.content
    return [r["code"] for r in answer.json()["items"]]


def test_the_tree_starts_where_the_persons_roles_are(cast, as_user):
    t = cast.tree
    assert codes(as_user(cast.admin).get("/regions")) == [t["city"].code]
    assert codes(as_user(cast.dispatcher).get("/regions")) == [t["subdistrict1"].code]
    assert codes(as_user(cast.resident).get("/regions")) == []
    children = as_user(cast.admin).get(f"/regions/{t['city'].code}/children").json()["items"]
    assert {c["code"] for c in children} == {t["district1"].code, t["district2"].code}
    assert all(c["has_children"] and c["parent"] == t["city"].code for c in children)


def test_a_region_is_404_outside_ones_regions(cast, as_user):
    t = cast.tree
    api = as_user(cast.dispatcher)
    detail = api.get(f"/regions/{t['grid1a'].code}?geometry=true")
    assert detail.status_code == 200
    body = detail.json()
    assert body["level"] == 5 and body["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert [a["code"] for a in body["ancestors"]] == [
        t[n].code for n in ("city", "district1", "subdistrict1", "community1")
    ]
    assert api.get(f"/regions/{t['grid2a'].code}").status_code == 404
    assert as_user(cast.resident).get(f"/regions/{t['grid1a'].code}").status_code == 404


def test_grids_page_by_code_within_a_region(cast, as_user):
    t = cast.tree
    api = as_user(cast.admin)
    first = api.get("/grids?limit=3").json()
    rest = api.get(f"/grids?limit=3&cursor={first['next_cursor']}").json()
    everything = [g["code"] for g in first["items"] + rest["items"]]
    assert everything == sorted(t[g].code for g in ("grid1a", "grid1b", "grid2a", "grid2b"))
    assert rest["next_cursor"] is None
    within = codes(api.get(f"/grids?region={t['community1'].code}"))
    assert within == sorted([t["grid1a"].code, t["grid1b"].code])
    assert as_user(cast.dispatcher).get(f"/grids?region={t['district2'].code}").status_code == 404


def test_lookup_finds_the_grid_of_a_point_in_either_coordinate_system(cast, as_user):
    t = cast.tree
    lng, lat = centre(t["grid1a"])
    api = as_user(cast.resident)
    wgs = api.get(f"/lookup?lng={lng}&lat={lat}").json()
    assert wgs["found"] and wgs["grid"]["code"] == t["grid1a"].code
    assert [c["level"] for c in wgs["chain"]] == [1, 2, 3, 4]
    glng, glat = wgs84_to_gcj02(lng, lat)
    assert (
        api.get(f"/lookup?lng={glng}&lat={glat}&crs=gcj02").json()["grid"]["code"]
        == t["grid1a"].code
    )
    away = api.get("/lookup?lng=100&lat=30").json()
    assert not away["found"] and away["nearest"]["code"] and away["message"]


def test_categories_list_leaves_orders_go_under(cast, incident_category, service_category, as_user):
    api = as_user(cast.resident)
    everything = api.get("/categories").json()
    leaves = api.get("/categories?leaves=true").json()
    assert {c["id"] for c in leaves} == {incident_category.pk, service_category.pk}
    assert len(everything) == 4
    services = api.get("/categories?kind=service").json()
    assert {c["kind"] for c in services} == {"service"}


def test_kpis_of_a_region_with_rates_between_0_and_1(cast, make_order, as_user):
    file_order(order=make_order(), by=cast.grid_worker)
    make_order()
    answer = as_user(cast.leader).get(f"/kpis?region={cast.tree['district1'].code}")
    assert answer.status_code == 200, answer.content
    k = answer.json()
    assert k["counts"]["reported"] == 2
    for name in (
        "response_rate", "resolution_rate", "satisfaction_rate", "handle_rate",
        "on_time_handle_rate", "close_rate", "on_time_close_rate", "rework_rate",
        "extension_rate",
    ):  # fmt: skip
        assert k[name] is None or 0 <= k[name] <= 1, name
    assert isinstance(k["overdue"], int)
    assert k["score"] is None or 0 <= k["score"] <= 100


def test_kpis_are_for_those_the_kpi_pages_are_for(cast, as_user):
    code = cast.tree["district1"].code
    assert as_user(cast.grid_worker).get(f"/kpis?region={code}").status_code == 404
    assert as_user(cast.resident).get(f"/kpis?region={code}").status_code == 404
    assert as_user(cast.other_dispatcher).get(f"/kpis?region={code}").status_code == 404
    assert (
        as_user(cast.dispatcher).get(f"/kpis?region={cast.tree['grid1a'].code}").status_code == 200
    )


def test_kpi_periods_are_checked(cast, as_user):
    api = as_user(cast.leader)
    code = cast.tree["city"].code
    backwards = api.get(f"/kpis?region={code}&start=2026-03-02&end=2026-03-01")
    assert backwards.status_code == 422 and backwards.json()["field"] == "start"
    too_long = api.get(f"/kpis?region={code}&start=2000-01-01&end=2026-01-01")
    assert too_long.status_code == 422 and too_long.json()["field"] == "end"
    assert api.get("/kpis").json()["field"] == "region"


def test_the_monthly_report_has_the_published_shape(cast, make_order, as_user):
    from django.utils import timezone

    make_order()
    month = f"{timezone.localdate():%Y-%m}"
    code = cast.tree["city"].code
    report = as_user(cast.leader).get(f"/reports/monthly?region={code}&month={month}")
    assert report.status_code == 200, report.content
    body = report.json()
    assert body["month"] == month and body["headline"]["reported"] == 1
    assert body["by_source"][0]["reported"] == 1 and body["top"][0]["reported"] == 1
    bad = as_user(cast.leader).get(f"/reports/monthly?region={code}&month=2026-13")
    assert bad.status_code == 422 and bad.json()["field"] == "month"
    assert as_user(cast.grid_worker).get(f"/reports/monthly?region={code}").status_code == 404


def test_notifications_list_and_mark_read(cast, as_user):
    for i in range(3):
        notify(user=cast.resident, title=f"通知{i}", body="正文", url="/orders/1/")
    notify(user=cast.neighbour, title="别人的", body="")
    api = as_user(cast.resident)
    page = api.get("/notifications?limit=2").json()
    assert [n["title"] for n in page["items"]] == ["通知2", "通知1"]
    assert page["unread_count"] == 3 and page["next_cursor"]
    assert page["items"][0]["url"].endswith("/orders/1/")
    first = page["items"][0]["id"]
    read = api.post(f"/notifications/{first}/read").json()
    assert read["read_at"]
    assert len(api.get("/notifications?unread=true").json()["items"]) == 2
    assert api.post("/notifications/read-all").json() == {"marked": 2}
    others = as_user(cast.neighbour).get("/notifications").json()["items"][0]["id"]
    assert api.post(f"/notifications/{others}/read").status_code == 404


def test_me_lists_roles_and_ones_own_number(cast, as_user):
    me = as_user(cast.grid_worker).get("/me").json()
    assert me["phone"] == cast.grid_worker.phone
    assert [(r["role"], r["region"]["code"]) for r in me["roles"]] == [
        ("grid_worker", cast.tree["grid1a"].code)
    ]
