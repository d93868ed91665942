import io
import json

import pytest

from linli.accounts.models import AuditEntry
from linli.lib.geo import wgs84_to_gcj02
from linli.territory.imports import ImportFailed, ImportKind, run_import
from linli.territory.models import Region, TerritoryVersion
from linli.territory.services import set_region_geometry
from linli.territory.tests.factories import GridFactory, square

pytestmark = pytest.mark.django_db

# Far from where GridFactory puts its squares (114.3°E+, 35.7°N+), so only our own overlap.
LNG, LAT = 114.0, 36.5
SIZE = 0.004


def feature(code, name, parent_code, geometry, **props):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "parent_code": parent_code, **props},
        "geometry": geometry,
    }


def collection(*features):
    return io.BytesIO(json.dumps({"type": "FeatureCollection", "features": features}).encode())


def cell(i, j=0):
    """The square at column i, row j of a grid of SIZE-sized squares sharing edges."""
    return square(LNG + i * SIZE, LAT + j * SIZE, SIZE)


def run(file, **kwargs):
    return run_import(ImportKind.GRIDS, file=file, actor=None, **kwargs)


def problems_of(file, **kwargs):
    with pytest.raises(ImportFailed) as failed:
        run(file, **kwargs)
    return [str(p) for p in failed.value.problems]


@pytest.fixture
def community(city_tree):
    return city_tree["community1"]


def test_it_creates_grids_under_their_community_with_paths_and_counts(community):
    version_before = TerritoryVersion.objects.filter(pk=1).values_list("version", flat=True)
    before = next(iter(version_before), 0)
    summary = run(
        collection(
            feature("Q-01", "第一网格", community.code, cell(0), households=410, population=1200),
            feature("Q-02", "第二网格", community.code, cell(1), kind="dedicated"),
        )
    )
    assert (summary.tallies[0].created, summary.tallies[0].updated) == (2, 0)
    first = Region.objects.get(code="Q-01")
    assert first.parent == community and first.level == Region.Level.GRID
    assert first.path == f"{community.path}{first.pk}/"
    assert (first.households, first.population) == (410, 1200)
    assert first.centroid_lng is not None
    assert Region.objects.get(code="Q-02").kind == Region.Kind.DEDICATED_GRID
    # One version bump for the whole import, one audit entry pointing at the community.
    assert TerritoryVersion.objects.get(pk=1).version == before + 1
    entry = AuditEntry.objects.get(action="territory.import.grids")
    assert entry.target_id == str(community.pk)


def test_it_accepts_the_other_spellings_of_parent_code(community):
    run(
        collection(
            {
                **feature("Q-01", "一", "", cell(0)),
                "properties": {"code": "Q-01", "name": "一", "parent-code": community.code},
            },
            {
                **feature("Q-02", "二", "", cell(1)),
                "properties": {"code": "Q-02", "name": "二", "parentCode": community.code},
            },
        )
    )
    assert Region.objects.filter(code__in=["Q-01", "Q-02"], parent=community).count() == 2


def test_one_overlapping_polygon_writes_nothing_and_is_named(community):
    overlapping = square(LNG + SIZE * 0.5, LAT, SIZE)  # half over Q-01, half over Q-02
    problems = problems_of(
        collection(
            feature("Q-01", "第一网格", community.code, cell(0)),
            feature("Q-02", "第二网格", community.code, cell(1)),
            feature("Q-03", "重叠网格", community.code, overlapping),
        )
    )
    assert not Region.objects.filter(code__startswith="Q-").exists()
    assert len(problems) == 2
    assert all("Q-03 重叠网格" in p and "重叠" in p for p in problems)
    assert "要素 3" in problems[0]
    assert any("Q-01 第一网格" in p for p in problems)
    assert any("Q-02 第二网格" in p for p in problems)


def test_it_refuses_a_grid_overlapping_a_stored_grid(community):
    stored = GridFactory(parent=community, code="OLD-1", name="老网格", geometry=cell(5))
    problems = problems_of(collection(feature("Q-01", "新网格", community.code, cell(5.5))))
    assert len(problems) == 1
    assert "OLD-1" in problems[0] and stored.name in problems[0] and "Q-01" in problems[0]


def test_grids_sharing_an_edge_do_not_overlap(community):
    run(
        collection(
            *(feature(f"Q-{i}", f"网格{i}", community.code, cell(i % 3, i // 3)) for i in range(9))
        )
    )
    assert Region.objects.filter(code__startswith="Q-").count() == 9


def test_it_names_a_self_intersecting_polygon(community):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[LNG, LAT], [LNG + SIZE, LAT + SIZE], [LNG + SIZE, LAT], [LNG, LAT + SIZE], [LNG, LAT]]
        ],
    }
    problems = problems_of(collection(feature("Q-01", "蝴蝶", community.code, bowtie)))
    assert len(problems) == 1
    assert "Q-01 蝴蝶" in problems[0] and "geometry" in problems[0]
    assert "Self-intersection" in problems[0]


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (None, "没有几何图形"),
        ({"type": "Point", "coordinates": [LNG, LAT]}, "Point"),
        ({"type": "LineString", "coordinates": [[LNG, LAT], [LNG + 1, LAT]]}, "LineString"),
        (
            {"type": "Polygon", "coordinates": [[[LNG, LAT], [LNG + 1, LAT], [LNG, LAT]]]},
            "至少需要4个",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [12_700_000, 4_270_000],
                        [12_700_100, 4_270_000],
                        [12_700_100, 4_270_100],
                        [12_700_000, 4_270_000],
                    ]
                ],
            },
            "投影",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[LAT, 114.0], [LAT, 114.1], [LAT + 0.1, 114.1], [LAT, 114.0]]],
            },
            "WGS84",
        ),
        ({"type": "Polygon", "coordinates": [[["a", 1], [2, 2], [3, 3], ["a", 1]]]}, "不是数字"),
    ],
)
def test_it_refuses_broken_geometry(community, geometry, expected):
    problems = problems_of(collection(feature("Q-01", "坏网格", community.code, geometry)))
    assert len(problems) == 1
    assert expected in problems[0] and "Q-01" in problems[0]


def test_it_reports_missing_and_bad_properties_by_feature(community):
    problems = problems_of(
        collection(
            {"type": "Feature", "properties": {"name": "无编码"}, "geometry": cell(0)},
            feature("Q-02", "户数错", community.code, cell(1), households="很多"),
            feature("Q/03", "斜杠", community.code, cell(2)),
            feature("Q-04", "类型错", community.code, cell(3), kind="special"),
        )
    )
    text = "\n".join(problems)
    assert "要素 1（无编码） / code" in text and "要素 1（无编码） / parent_code" in text
    assert "要素 2（Q-02 户数错） / households" in text
    assert "要素 3（Q/03 斜杠） / code" in text
    assert "要素 4（Q-04 类型错） / kind" in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n", "不是有效的 JSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "没有要素"),
        (
            b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}, "features": [1]}',
            "EPSG:3857",
        ),
    ],
)
def test_it_refuses_a_file_that_is_not_a_feature_collection(db, content, expected):
    problems = problems_of(io.BytesIO(content))
    assert len(problems) == 1 and expected in problems[0]


def test_it_refuses_duplicate_codes_in_the_file_and_codes_of_other_regions(community, city_tree):
    problems = problems_of(
        collection(
            feature("Q-01", "甲", community.code, cell(0)),
            feature("Q-01", "乙", community.code, cell(1)),
            feature(city_tree["district1"].code, "丙", community.code, cell(2)),
        )
    )
    assert len(problems) == 2
    assert "要素 2（Q-01 乙）" in problems[0] and "要素 1（Q-01 甲）" in problems[0]
    assert city_tree["district1"].name in problems[1]


def test_it_refuses_unknown_parents_and_parents_that_are_not_communities(community, city_tree):
    problems = problems_of(
        collection(
            feature("Q-01", "甲", "410611999999", cell(0)),
            feature("Q-02", "乙", city_tree["subdistrict1"].code, cell(1)),
            feature("Q-03", "丙", "4106", cell(2)),
        )
    )
    assert len(problems) == 3
    assert "410611999999" in problems[0]
    assert city_tree["subdistrict1"].name in problems[1] and "社区" in problems[1]
    assert "12" in problems[2]


def test_it_refuses_a_grid_outside_its_community(community):
    set_region_geometry(region=community, geometry=square(LNG, LAT, SIZE * 2), actor=None)
    problems = problems_of(
        collection(
            feature("Q-01", "里面", community.code, cell(0)),
            feature("Q-02", "一半在外", community.code, cell(1.5)),
            feature("Q-03", "外面", community.code, cell(10)),
        )
    )
    assert len(problems) == 2
    assert "Q-02" in problems[0] and "%" in problems[0] and community.name in problems[0]
    assert "Q-03" in problems[1] and community.name in problems[1]


def test_a_grid_may_touch_its_community_boundary_within_the_tolerance(community):
    set_region_geometry(region=community, geometry=square(LNG, LAT, SIZE), actor=None)
    # 0.5 % of the grid sticks out: drawing noise, accepted.
    run(collection(feature("Q-01", "贴边", community.code, square(LNG + SIZE * 0.005, LAT, SIZE))))
    assert Region.objects.filter(code="Q-01").exists()


def test_gcj02_input_is_stored_as_wgs84(community):
    wgs = [[LNG, LAT], [LNG + SIZE, LAT], [LNG + SIZE, LAT + SIZE], [LNG, LAT + SIZE], [LNG, LAT]]
    gcj = [list(wgs84_to_gcj02(x, y)) for x, y in wgs]
    assert abs(gcj[0][0] - LNG) > 1e-4  # the offset is real (hundreds of metres)
    run(
        collection(
            feature("Q-01", "火星", community.code, {"type": "Polygon", "coordinates": [gcj]})
        ),
        crs="gcj02",
    )
    stored = Region.objects.get(code="Q-01").geometry["coordinates"][0]
    for (x, y), (ex, ey) in zip(stored, wgs, strict=True):
        assert abs(x - ex) < 1e-7 and abs(y - ey) < 1e-7


def test_reimporting_updates_grids_instead_of_duplicating(community, city_tree):
    run(collection(feature("Q-01", "旧名", community.code, cell(0), households=100)))
    grid = Region.objects.get(code="Q-01")
    other = city_tree["community2"]
    summary = run(collection(feature("Q-01", "新名", other.code, cell(1), population=999)))
    assert (summary.tallies[0].created, summary.tallies[0].updated) == (0, 1)
    grid.refresh_from_db()
    assert grid.name == "新名" and grid.parent == other
    assert grid.path == f"{other.path}{grid.pk}/"
    assert (grid.households, grid.population) == (100, 999)
    assert grid.geometry == cell(1)
    assert Region.objects.filter(code="Q-01").count() == 1


def test_an_updated_grid_does_not_overlap_its_own_old_shape(community):
    run(collection(feature("Q-01", "甲", community.code, cell(0))))
    run(collection(feature("Q-01", "甲", community.code, cell(0.5))))
    assert Region.objects.get(code="Q-01").geometry == cell(0.5)


def test_a_dry_run_reports_counts_and_writes_nothing(community):
    summary = run(collection(feature("Q-01", "甲", community.code, cell(0))), dry_run=True)
    assert summary.dry_run and summary.tallies[0].created == 1
    assert not Region.objects.filter(code="Q-01").exists()
    assert not AuditEntry.objects.filter(action__startswith="territory.import").exists()


def test_a_multipolygon_grid_is_accepted(community):
    multi = {
        "type": "MultiPolygon",
        "coordinates": [cell(0)["coordinates"], cell(2)["coordinates"]],
    }
    run(collection(feature("Q-01", "飞地", community.code, multi)))
    assert Region.objects.get(code="Q-01").geometry["type"] == "MultiPolygon"


def test_a_clash_at_write_time_is_reported_not_raised(community, monkeypatch):
    from django.db import IntegrityError

    from linli.territory.imports import grids

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: territory_region.code")

    monkeypatch.setattr(grids, "create_regions", clash)
    problems = problems_of(collection(feature("Q-01", "甲", community.code, cell(0))))
    assert len(problems) == 1 and "重试" in problems[0]
    assert not Region.objects.filter(code="Q-01").exists()
