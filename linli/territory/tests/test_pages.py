"""Territory pages over HTTP: what admins, offices, grid workers and residents see, and
that guessing a URL outside one's region answers 404."""

import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.accounts.tests.factories import RoleFactory
from linli.territory.tests.factories import (
    BuildingFactory,
    CourtyardFactory,
    DwellingFactory,
    EstateFactory,
    GridFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, **query):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def test_an_admin_sees_the_whole_city_as_a_tree_with_totals(city_tree, make_user, client):
    EstateFactory(grid=city_tree["grid1a"])
    EstateFactory(grid=city_tree["grid2b"])
    admin = make_user(Role.ADMIN, city_tree["city"])
    r = page(client, admin, "territory:overview")
    html = r.content.decode()
    assert r.status_code == 200
    for key in ("city", "district1", "district2", "subdistrict1", "subdistrict2"):
        assert city_tree[key].name in html
    # Four grids of 300 households and 900 people, two estates, summed at the city.
    city = next(n for n in r.context["tree"] if n.region == city_tree["city"])
    assert (city.counts.grids, city.counts.households) == (4, 1200)
    assert (city.counts.population, city.counts.estates) == (3600, 2)
    assert "网格" in html and "户数" in html and "人口" in html


def test_the_overview_reads_a_large_tree_in_a_few_queries(
    city_tree, make_user, client, django_assert_max_num_queries
):
    for community in ("community1", "community2"):
        for _ in range(10):
            EstateFactory(grid=GridFactory(parent=city_tree[community]))
    admin = make_user(Role.ADMIN, city_tree["city"])
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("territory:overview"))
    assert r.status_code == 200


def test_deeper_levels_open_on_demand_as_a_fragment(city_tree, make_user, client):
    admin = make_user(Role.ADMIN, city_tree["city"])
    client.force_login(admin)
    url = reverse("territory:region", args=[city_tree["subdistrict1"].code])
    r = client.get(url, {"part": "children"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert city_tree["community1"].name in html
    assert "<html" not in html


def test_a_grid_worker_browses_only_their_grid(city_tree, make_user, client):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    r = page(client, worker, "territory:overview")
    assert [n.region for n in r.context["tree"]] == [city_tree["grid1a"]]
    for key in ("grid1b", "community1", "grid2a", "city"):
        assert page(client, worker, "territory:region", city_tree[key].code).status_code == 404
        assert page(client, worker, "territory:residents", city_tree[key].code).status_code == 404
        assert page(client, worker, "territory:estates", city_tree[key].code).status_code == 404


def test_a_grid_page_shows_its_figures_staff_and_estates(city_tree, make_user, client):
    grid = city_tree["grid1a"]
    worker = make_user(Role.GRID_WORKER, grid, name="李网格")
    make_user(Role.GRID_LEADER, city_tree["community1"], name="赵网格长")
    make_user(Role.GRID_WORKER, city_tree["grid1b"], name="别的网格员")
    estate = EstateFactory(grid=grid, name="淇水花园", build_year=1992)
    r = page(client, worker, "territory:region", grid.code)
    html = r.content.decode()
    assert r.status_code == 200
    assert "李网格" in html and "赵网格长" in html and "别的网格员" not in html
    assert "淇水花园" in html and "1992" in html
    assert reverse("territory:estate", args=[estate.code]) in html
    assert reverse("territory:region_map", args=[grid.code]) in html
    # Breadcrumb: the regions above are named, but only the visible ones are links.
    assert city_tree["community1"].name in html
    assert reverse("territory:region", args=[city_tree["community1"].code]) not in html
    # Staff phones are masked.
    assert worker.phone not in html
    assert f"{worker.phone[:3]}****{worker.phone[-4:]}" in html


def test_a_community_office_sees_its_community_and_grids(city_tree, make_user, client):
    dispatcher = make_user(Role.DISPATCHER, city_tree["community1"])
    make_user(Role.GRID_WORKER, city_tree["grid1b"], name="王网格")
    r = page(client, dispatcher, "territory:region", city_tree["community1"].code)
    html = r.content.decode()
    assert city_tree["grid1a"].name in html and city_tree["grid1b"].name in html
    assert "王网格" in html
    assert reverse("territory:residents", args=[city_tree["community1"].code]) in html
    assert (
        page(client, dispatcher, "territory:region", city_tree["community2"].code).status_code
        == 404
    )
    assert page(client, dispatcher, "territory:region", city_tree["grid2a"].code).status_code == 404


def test_a_district_leader_sees_the_district_not_the_next(city_tree, make_user, client):
    leader = make_user(Role.LEADER, city_tree["district1"])
    r = page(client, leader, "territory:overview")
    assert [n.region for n in r.context["tree"]] == [city_tree["district1"]]
    for key in ("district1", "subdistrict1", "community1", "grid1a"):
        assert page(client, leader, "territory:region", city_tree[key].code).status_code == 200
    for key in ("city", "district2", "grid2b"):
        assert page(client, leader, "territory:region", city_tree[key].code).status_code == 404


def test_programme_staff_see_the_territory_but_not_its_people(city_tree, make_user, client):
    staff = make_user(Role.PROGRAMME_STAFF, city_tree["district1"])
    ResidentFactory(grid=city_tree["grid1a"])
    region = page(client, staff, "territory:region", city_tree["district1"].code)
    assert region.status_code == 200
    assert reverse("territory:residents", args=[city_tree["district1"].code]) not in (
        region.content.decode()
    )
    assert page(client, staff, "territory:residents", city_tree["grid1a"].code).status_code == 404


def test_residents_list_is_paginated_searchable_and_scoped(city_tree, make_user, client):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    for i in range(35):
        ResidentFactory(grid=city_tree["grid1a"], name=f"王{i:02d}")
    ResidentFactory(grid=city_tree["grid1a"], name="欧阳娜娜")
    ResidentFactory(grid=city_tree["grid1b"], name="隔壁网格的人")
    r = page(client, worker, "territory:residents", city_tree["grid1a"].code)
    assert r.context["page"].paginator.count == 36
    assert len(r.context["rows"]) == 30
    assert "隔壁网格的人" not in r.content.decode()
    r = page(client, worker, "territory:residents", city_tree["grid1a"].code, page=2)
    assert len(r.context["rows"]) == 6
    r = page(client, worker, "territory:residents", city_tree["grid1a"].code, q="欧阳")
    assert [row[0].name for row in r.context["rows"]] == ["欧阳娜娜"]


def test_the_residents_list_reads_a_page_in_a_few_queries(
    city_tree, make_user, client, django_assert_max_num_queries
):
    dispatcher = make_user(Role.DISPATCHER, city_tree["community1"])
    building = BuildingFactory(estate=EstateFactory(grid=city_tree["grid1a"]))
    for _ in range(30):
        ResidentFactory(grid=city_tree["grid1a"], dwelling=DwellingFactory(building=building))
    client.force_login(dispatcher)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("territory:residents", args=[city_tree["community1"].code]))
    assert r.status_code == 200


def test_estates_list_and_detail_with_courtyards_and_buildings(city_tree, make_user, client):
    dispatcher = make_user(Role.DISPATCHER, city_tree["community1"])
    estate = EstateFactory(
        grid=city_tree["grid1b"], name="红旗家属院", build_year=1988, property_mode="red"
    )
    court = CourtyardFactory(estate=estate, name="东院")
    BuildingFactory(estate=estate, courtyard=court, number="2号楼")
    BuildingFactory(estate=estate, number="10号楼")
    EstateFactory(grid=city_tree["grid2a"], name="别的社区小区")
    r = page(client, dispatcher, "territory:estates", city_tree["community1"].code)
    html = r.content.decode()
    assert "红旗家属院" in html and "别的社区小区" not in html
    assert "红色物业" in html
    r = page(client, dispatcher, "territory:estates", city_tree["community1"].code, mode="none")
    assert "红旗家属院" not in r.content.decode()
    r = page(client, dispatcher, "territory:estate", estate.code)
    html = r.content.decode()
    assert "东院" in html and "1988" in html
    assert html.index("2号楼") < html.index("10号楼")


def test_estate_url_guessing_outside_ones_region_is_404(city_tree, make_user, client):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    other = EstateFactory(grid=city_tree["grid1b"])
    assert page(client, worker, "territory:estate", other.code).status_code == 404
    assert page(client, worker, "territory:estate", "NO-SUCH").status_code == 404


def test_my_grids_shows_a_grid_workers_grids_as_cards(city_tree, make_user, client):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    RoleFactory(user=worker, role=Role.GRID_WORKER, region=city_tree["grid2a"])
    EstateFactory(grid=city_tree["grid1a"])
    ResidentFactory(grid=city_tree["grid1a"])
    r = page(client, worker, "territory:my_grids")
    grids = {g.code: g for g in r.context["grids"]}
    assert set(grids) == {city_tree["grid1a"].code, city_tree["grid2a"].code}
    assert grids[city_tree["grid1a"].code].estate_count == 1
    assert grids[city_tree["grid1a"].code].resident_count == 1
    assert "我的网格" in r.content.decode()


def test_a_grid_leader_over_a_community_sees_all_its_grids(city_tree, make_user, client):
    leader = make_user(Role.GRID_LEADER, city_tree["community1"])
    r = page(client, leader, "territory:my_grids")
    assert {g.pk for g in r.context["grids"]} == {city_tree["grid1a"].pk, city_tree["grid1b"].pk}


def test_a_resident_sees_their_grid_worker_and_own_record_masked(city_tree, make_user, client):
    grid = city_tree["grid1a"]
    worker = make_user(Role.GRID_WORKER, grid, name="李网格")
    user = make_user(Role.RESIDENT, grid, name="张三")
    estate = EstateFactory(grid=grid, name="幸福小区")
    dwelling = DwellingFactory(
        building=BuildingFactory(estate=estate, number="3号楼"), number="201"
    )
    ResidentFactory(grid=grid, user=user, name="张三", phone="13812345678", dwelling=dwelling)
    r = page(client, user, "territory:resident_home")
    html = r.content.decode()
    assert r.status_code == 200
    assert grid.name in html and "李网格" in html and "幸福小区" in html and "3号楼" in html
    assert "138****5678" in html and "13812345678" not in html
    assert worker.phone not in html


def test_a_resident_sees_nobody_elses_record(city_tree, make_user, client):
    user = make_user(Role.RESIDENT, city_tree["grid1a"])
    ResidentFactory(grid=city_tree["grid1a"], user=user)
    assert page(client, user, "territory:residents", city_tree["grid1a"].code).status_code == 404
    assert page(client, user, "territory:region", city_tree["grid1a"].code).status_code == 404
    r = page(client, user, "territory:overview")
    assert r.context["tree"] == []


@pytest.mark.parametrize(
    ("role", "level", "home"),
    [
        (Role.ADMIN, "city", "territory:overview"),
        (Role.LEADER, "district1", "workorders:kpis"),
        (Role.DISPATCHER, "community1", "workorders:desk"),
        (Role.GRID_LEADER, "community1", "workorders:worker_queue"),
        (Role.GRID_WORKER, "grid1a", "workorders:worker_queue"),
        (Role.RESIDENT, "grid1a", "workorders:my_orders"),
    ],
)
def test_each_role_lands_on_its_home_page(city_tree, make_user, client, role, level, home):
    user = make_user(role, city_tree[level])
    client.force_login(user)
    r = client.get(reverse("home"))
    assert r.status_code == 302
    assert r.url == reverse(home)
    assert client.get(r.url, follow=True).status_code == 200


def test_pages_ask_anonymous_visitors_to_log_in(city_tree, client):
    r = client.get(reverse("territory:region", args=[city_tree["grid1a"].code]))
    assert r.status_code == 302
    assert reverse("accounts:login") in r.url
