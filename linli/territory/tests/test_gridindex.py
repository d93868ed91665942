"""The point → grid index: exact answers against brute force, nearest grids, GCJ-02, and
rebuilding after edits."""

import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from linli.lib.geo import gcj02_to_wgs84, gcj02_to_wgs84_array, haversine_m, wgs84_to_gcj02
from linli.territory import gridindex
from linli.territory.gridindex import GridIndex, GridRecord, RegionRef
from linli.territory.models import Region, TerritoryVersion
from linli.territory.services import set_region_geometry
from linli.territory.tests.factories import GridFactory, square

CITY = RegionRef(1, "410600000000", "鹤壁市", 1)
COMMUNITY = RegionRef(2, "410611002001", "桂鹤社区", 4)
N = 12  # lattice cells per side
LNG0, LAT0, DX, DY = 114.28, 35.74, 0.0036, 0.0027


def _lattice() -> list[GridRecord]:
    """A jittered N × N tessellation with some cells left out, one grid with a hole and one
    made of two parts; vertices are shared, so neighbours touch exactly."""
    rng = np.random.default_rng(7)
    px = LNG0 + np.arange(N + 1)[None, :] * DX + rng.uniform(-0.2, 0.2, (N + 1, N + 1)) * DX
    py = LAT0 + np.arange(N + 1)[:, None] * DY + rng.uniform(-0.2, 0.2, (N + 1, N + 1)) * DY
    records = []

    def ring(i: int, j: int) -> list[list[float]]:
        corners = [(j, i), (j, i + 1), (j + 1, i + 1), (j + 1, i), (j, i)]
        return [[float(px[a, b]), float(py[a, b])] for a, b in corners]

    for j in range(N):
        for i in range(N):
            if (i * 5 + j * 3) % 7 == 0 or (i, j) in ((4, 4), (8, 8)):
                continue  # gaps between built-up areas
            geometry = {"type": "Polygon", "coordinates": [ring(i, j)]}
            if (i, j) == (5, 5):
                c = Point(px[5, 5] + DX / 2, py[5, 5] + DY / 2).buffer(DX / 6, quad_segs=4)
                hole = [list(xy) for xy in c.exterior.coords[::-1]]
                geometry = {"type": "Polygon", "coordinates": [ring(i, j), hole]}
            if (i, j) == (3, 4):  # this grid also owns the left-out cell (4, 4)
                geometry = {"type": "MultiPolygon", "coordinates": [[ring(3, 4)], [ring(4, 4)]]}
            pk = 100 + j * N + i
            records.append(GridRecord(pk, f"G{pk}", f"第{pk}网格", f"/1/2/{pk}/", geometry))
    return records


RECORDS = _lattice()
INDEX = GridIndex(RECORDS, {1: CITY, 2: COMMUNITY})
SHAPES = [shape(r.geometry) for r in RECORDS]
TREE = shapely.STRtree(SHAPES)
LNG = st.floats(LNG0 - 0.01, LNG0 + N * DX + 0.01)
LAT = st.floats(LAT0 - 0.01, LAT0 + N * DY + 0.01)


def _brute_force(lng: float, lat: float) -> int | None:
    hits = TREE.query(Point(lng, lat), predicate="intersects")
    return RECORDS[int(hits.min())].id if len(hits) else None


def _distances_m(lng: float, lat: float) -> list[tuple[float, str]]:
    """Distance from the point to each grid, nearest first, in a plain local projection
    (metres per degree of latitude and of longitude at this latitude)."""
    kx, ky = 111320 * math.cos(math.radians(lat)), 110574

    def project(geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: (xy - [lng, lat]) * [kx, ky])

    origin = Point(0, 0)
    return sorted(
        (project(polygon).distance(origin), record.code)
        for record, polygon in zip(RECORDS, SHAPES, strict=True)
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(which=st.integers(0, len(RECORDS) - 1), u=st.floats(0, 1), v=st.floats(0, 1))
def test_points_inside_a_grid_resolve_to_it_with_its_chain(which: int, u: float, v: float) -> None:
    polygon = SHAPES[which]
    minx, miny, maxx, maxy = polygon.bounds
    lng, lat = minx + u * (maxx - minx), miny + v * (maxy - miny)
    assume(polygon.contains(Point(lng, lat)))

    found = INDEX.resolve(lng, lat)

    assert found.found
    assert found.grid is not None and found.grid.code == RECORDS[which].code
    assert [r.code for r in found.chain] == [CITY.code, COMMUNITY.code]


@settings(max_examples=500)
@given(lng=LNG, lat=LAT)
def test_any_point_gets_the_same_answer_as_brute_force(lng: float, lat: float) -> None:
    expected = _brute_force(lng, lat)

    found = INDEX.resolve(lng, lat)

    assert (found.grid.id if found.grid else None) == expected
    assert INDEX.resolve_many([lng], [lat])[0] == (expected if expected is not None else -1)


@settings(max_examples=100, suppress_health_check=[HealthCheck.filter_too_much])
@given(lng=LNG, lat=LAT)
def test_points_outside_every_grid_get_the_nearest_grid_and_its_distance(
    lng: float, lat: float
) -> None:
    assume(_brute_force(lng, lat) is None)
    (metres, code), (second, _) = _distances_m(lng, lat)[:2]

    found = INDEX.resolve(lng, lat)

    assert not found.found and found.grid is None and found.chain == ()
    assert found.nearest is not None and found.distance_m is not None
    assert found.distance_m == pytest.approx(metres, rel=0.01, abs=0.5)
    if second - metres > 0.02 * metres + 1:  # not a near tie
        assert found.nearest.code == code


def test_a_point_in_a_hole_is_not_in_the_grid_around_it() -> None:
    holed = next(
        r
        for r in RECORDS
        if r.geometry["type"] == "Polygon" and len(r.geometry["coordinates"]) == 2
    )
    hole = shape({"type": "Polygon", "coordinates": [holed.geometry["coordinates"][1]]})
    lng, lat = hole.centroid.coords[0]

    found = INDEX.resolve(lng, lat)

    assert not found.found
    assert found.nearest is not None and found.nearest.code == holed.code
    assert INDEX.resolve_many([lng], [lat])[0] == -1


def test_a_grid_in_two_parts_holds_points_in_both() -> None:
    multi = next(r for r in RECORDS if r.geometry["type"] == "MultiPolygon")
    parts = shape(multi.geometry).geoms

    for part in parts:
        lng, lat = part.representative_point().coords[0]
        assert INDEX.resolve(lng, lat).grid.code == multi.code  # type: ignore[union-attr]


def test_batched_lookup_agrees_with_single_lookups() -> None:
    rng = np.random.default_rng(3)
    lngs = rng.uniform(LNG0 - 0.01, LNG0 + N * DX + 0.01, 5000)
    lats = rng.uniform(LAT0 - 0.01, LAT0 + N * DY + 0.01, 5000)

    ids = INDEX.resolve_many(lngs, lats)

    singles = [INDEX.resolve(a, b) for a, b in zip(lngs, lats, strict=True)]
    assert ids.tolist() == [s.grid.id if s.grid else -1 for s in singles]
    assert (ids >= 0).sum() > 1000


def test_gcj02_input_is_converted_before_lookup() -> None:
    polygon = SHAPES[10]
    lng, lat = polygon.representative_point().coords[0]
    glng, glat = wgs84_to_gcj02(lng, lat)

    assert INDEX.resolve(glng, glat, crs="gcj02").grid.code == RECORDS[10].code  # type: ignore[union-attr]
    assert INDEX.resolve_many([glng], [glat], crs="gcj02")[0] == RECORDS[10].id
    with pytest.raises(ValueError):
        INDEX.resolve(lng, lat, crs="bd09")  # type: ignore[arg-type]


def test_an_empty_index_finds_nothing() -> None:
    empty = GridIndex([], {})

    assert empty.resolve(114.3, 35.7) == gridindex.NOWHERE
    assert empty.resolve_many([114.3], [35.7]).tolist() == [-1]


# -- GCJ-02 -------------------------------------------------------------------------------

# Published by wandergis/coordtransform (test/app.js): WGS84 (116.404, 39.915) → GCJ-02.
KNOWN_PAIRS = [((116.404, 39.915), (116.41024449916938, 39.91640428150164))]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_PAIRS)
def test_gcj02_matches_published_pairs_within_a_metre(wgs: tuple, gcj: tuple) -> None:
    assert haversine_m(*wgs84_to_gcj02(*wgs), *gcj) < 0.01
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < 1.0
    lng, lat = gcj02_to_wgs84_array(np.array([gcj[0]]), np.array([gcj[1]]))
    assert haversine_m(float(lng[0]), float(lat[0]), *wgs) < 1.0


@given(lng=st.floats(73.0, 135.0), lat=st.floats(18.0, 53.0))
def test_gcj02_round_trip_is_within_a_metre(lng: float, lat: float) -> None:
    there = wgs84_to_gcj02(lng, lat)

    back = gcj02_to_wgs84(*there)

    assert haversine_m(lng, lat, *back) < 1.0
    # The offset itself is tens to hundreds of metres: the conversion is not a no-op.
    assert haversine_m(lng, lat, *there) > 1.0


def test_points_outside_china_are_not_shifted() -> None:
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


# -- the process-wide index follows edits ---------------------------------------------------


@pytest.fixture
def fresh_index():  # type: ignore[no-untyped-def]
    gridindex.invalidate()
    yield
    gridindex.invalidate()


@pytest.mark.django_db
def test_index_is_built_from_the_database_with_the_region_chain(city_tree, fresh_index) -> None:
    grid = city_tree["grid1a"]
    lng, lat = shape(grid.geometry).representative_point().coords[0]

    found = gridindex.resolve(lng, lat)

    assert found.grid is not None and found.grid.code == grid.code
    assert [r.code for r in found.chain] == [
        city_tree[k].code for k in ("city", "district1", "subdistrict1", "community1")
    ]


@pytest.mark.django_db
def test_index_rebuilds_in_this_process_after_a_geometry_edit(
    city_tree, fresh_index, django_capture_on_commit_callbacks
) -> None:
    grid = city_tree["grid1a"]
    far = square(114.9, 35.9)
    lng, lat = 114.901, 35.901
    assert not gridindex.resolve(lng, lat).found

    with django_capture_on_commit_callbacks(execute=True):
        set_region_geometry(region=grid, geometry=far, actor=None)

    assert gridindex.resolve(lng, lat).grid.code == grid.code  # type: ignore[union-attr]


@pytest.mark.django_db
def test_index_notices_another_processs_edit_after_the_recheck_interval(
    city_tree, fresh_index, settings
) -> None:
    settings.GRID_INDEX_RECHECK_SECONDS = 0
    lng, lat = 114.951, 35.951
    assert not gridindex.resolve(lng, lat).found
    # Another process writes a grid and bumps the version; nothing is invalidated here.
    grid = city_tree["grid2a"]
    Region.objects.filter(pk=grid.pk).update(geometry=square(114.95, 35.95))
    TerritoryVersion.objects.filter(pk=1).update(version=99)

    assert gridindex.resolve(lng, lat).grid.code == grid.code  # type: ignore[union-attr]
    assert gridindex.get_index().version == 99


@pytest.mark.django_db
def test_index_is_not_rebuilt_while_the_version_stands(city_tree, fresh_index, settings) -> None:
    settings.GRID_INDEX_RECHECK_SECONDS = 0
    first = gridindex.get_index()

    assert gridindex.get_index() is first
    GridFactory(parent=city_tree["community1"])  # create_region bumps the version
    assert gridindex.get_index() is not first
