"""The point lookup and the map GeoJSON views."""

import pytest
from django.urls import reverse
from shapely.geometry import shape

from linli.accounts.models import Role
from linli.lib.geo import wgs84_to_gcj02
from linli.territory import gridindex


@pytest.fixture(autouse=True)
def _fresh_index():  # type: ignore[no-untyped-def]
    gridindex.invalidate()
    yield
    gridindex.invalidate()


@pytest.fixture
def worker(city_tree, make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.GRID_WORKER, city_tree["grid1a"], name="刘晓燕")


def _inside(region) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    return shape(region.geometry).representative_point().coords[0]


def test_lookup_needs_a_login(client, city_tree) -> None:
    response = client.get(reverse("territory:lookup"), {"lng": 114.3, "lat": 35.7})

    assert response.status_code == 302


def test_lookup_answers_the_grid_and_its_chain(client, city_tree, worker) -> None:
    client.force_login(worker)
    grid = city_tree["grid2b"]
    lng, lat = _inside(grid)

    data = client.get(reverse("territory:lookup"), {"lng": lng, "lat": lat}).json()

    assert data["found"] is True
    assert data["grid"] == {"code": grid.code, "name": grid.name}
    assert [c["code"] for c in data["chain"]] == [
        city_tree[k].code for k in ("city", "district2", "subdistrict2", "community2")
    ]
    assert data["nearest"] is None


def test_lookup_converts_gcj02_input(client, city_tree, worker) -> None:
    client.force_login(worker)
    grid = city_tree["grid1b"]
    glng, glat = wgs84_to_gcj02(*_inside(grid))

    data = client.get(
        reverse("territory:lookup"), {"lng": glng, "lat": glat, "crs": "gcj02"}
    ).json()

    assert data["grid"]["code"] == grid.code


def test_a_point_outside_every_grid_gets_the_nearest_grid(client, city_tree, worker) -> None:
    client.force_login(worker)
    grid = city_tree["grid1a"]  # the other grids lie east of it (factory squares)
    ring = grid.geometry["coordinates"][0]
    west, south = min(x for x, _ in ring), min(y for _, y in ring)

    response = client.get(reverse("territory:lookup"), {"lng": west - 0.0005, "lat": south + 0.001})

    data = response.json()
    assert response.status_code == 200
    assert data["found"] is False and data["grid"] is None and data["chain"] == []
    assert data["nearest"]["code"] == grid.code
    assert 40 < data["nearest"]["distance_m"] < 50  # 0.0005° of longitude at 35.7°N ≈ 45 m
    assert data["message"] == "该点不在任何网格内。"


@pytest.mark.parametrize(
    ("params", "field", "label"),
    [
        ({"lat": "35.7"}, "lng", "经度"),
        ({"lng": "abc", "lat": "35.7"}, "lng", "经度"),
        ({"lng": "114.3", "lat": "95"}, "lat", "纬度"),
        ({"lng": "114.3", "lat": "35.7", "crs": "bd09"}, "crs", "坐标系"),
    ],
)
def test_bad_input_gets_a_400_naming_the_parameter(
    client, city_tree, worker, params, field, label
) -> None:
    client.force_login(worker)

    response = client.get(reverse("territory:lookup"), params)

    assert response.status_code == 400
    data = response.json()
    assert field in data["errors"]
    assert label in data["errors"][field] and field in data["errors"][field]


def test_grid_map_has_the_grid_with_its_figures_and_staff(
    client, city_tree, worker, make_user
) -> None:
    make_user(Role.GRID_LEADER, city_tree["community1"], name="张秀兰")
    client.force_login(worker)
    grid = city_tree["grid1a"]

    response = client.get(reverse("territory:region_map", args=[grid.code]))

    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["geometry"] == grid.geometry
    props = feature["properties"]
    assert props["code"] == grid.code and props["name"] == grid.name
    assert props["households"] == 300 and props["population"] == 900
    assert props["workers"] == ["刘晓燕"]
    assert props["leaders"] == ["张秀兰"]


def test_community_map_shows_its_grids_and_city_map_its_districts(
    client, city_tree, make_user
) -> None:
    client.force_login(make_user(Role.ADMIN, city_tree["city"]))

    community = client.get(
        reverse("territory:region_map", args=[city_tree["community1"].code])
    ).json()
    city = client.get(reverse("territory:region_map", args=[city_tree["city"].code])).json()

    assert sorted(f["properties"]["code"] for f in community["features"]) == sorted(
        [city_tree["grid1a"].code, city_tree["grid1b"].code]
    )
    # The factories give districts no boundary, so the city's map has nothing to draw.
    assert city["features"] == []


def test_map_of_a_region_out_of_scope_is_404(client, city_tree, worker) -> None:
    client.force_login(worker)

    for code in (city_tree["grid1b"].code, city_tree["community2"].code, "no-such-code"):
        response = client.get(reverse("territory:region_map", args=[code]))
        assert response.status_code == 404


def test_map_takes_a_fixed_number_of_queries(
    client, city_tree, make_user, django_assert_max_num_queries
) -> None:
    from linli.territory.tests.factories import GridFactory

    for _ in range(10):
        GridFactory(parent=city_tree["community1"])
    client.force_login(make_user(Role.ADMIN, city_tree["city"]))

    with django_assert_max_num_queries(6):
        response = client.get(
            reverse("territory:region_map", args=[city_tree["subdistrict1"].code])
        )

    assert len(response.json()["features"]) == 12
