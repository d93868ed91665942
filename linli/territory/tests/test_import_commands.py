import json
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from linli.lib.geo import wgs84_to_gcj02
from linli.territory.models import Estate, Region
from linli.territory.tests.factories import square
from linli.territory.tests.ledgers import xlsx

pytestmark = pytest.mark.django_db


def geojson(tmp_path, community, *squares):
    features = [
        {
            "type": "Feature",
            "properties": {"code": f"C-{i}", "name": f"网格{i}", "parent_code": community.code},
            "geometry": sq,
        }
        for i, sq in enumerate(squares, start=1)
    ]
    path = tmp_path / "grids.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def run_cli(*argv):
    """Run a command as manage.py would, returning its exit status. (run_from_argv closes every
    database connection when it ends, which would end the test's own transaction on PostgreSQL.)"""
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exit_:
            return exit_.code
    return 0


def test_import_grids_writes_and_prints_the_counts(tmp_path, city_tree, capsys):
    path = geojson(tmp_path, city_tree["community1"], square(114.0, 36.5), square(114.002, 36.5))
    assert run_cli("import_grids", str(path)) == 0
    out = capsys.readouterr().out
    assert "导入完成" in out and "新增2" in out
    assert Region.objects.filter(code__startswith="C-").count() == 2


def test_import_grids_exits_non_zero_and_names_the_overlapping_polygon(tmp_path, city_tree, capsys):
    path = geojson(tmp_path, city_tree["community1"], square(114.0, 36.5), square(114.001, 36.5))
    assert run_cli("import_grids", str(path)) == 1
    err = capsys.readouterr().err
    assert "要素 2（C-2 网格2）" in err and "重叠" in err and "未写入任何数据" in err
    assert not Region.objects.filter(code__startswith="C-").exists()


def test_import_grids_dry_run_and_gcj02(tmp_path, city_tree, capsys):
    wgs = square(114.0, 36.5)
    gcj = {
        "type": "Polygon",
        "coordinates": [[list(wgs84_to_gcj02(x, y)) for x, y in wgs["coordinates"][0]]],
    }
    path = geojson(tmp_path, city_tree["community1"], gcj)
    call_command("import_grids", str(path), "--crs", "gcj02", "--dry-run")
    assert "未写入" in capsys.readouterr().out
    assert not Region.objects.filter(code="C-1").exists()
    call_command("import_grids", str(path), "--crs", "gcj02")
    stored = Region.objects.get(code="C-1").geometry["coordinates"][0][0]
    assert stored == pytest.approx(wgs["coordinates"][0][0], abs=1e-7)


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="无法打开"):
        call_command("import_regions", "/no/such/file.xlsx")


def test_import_regions_and_estates_from_xlsx(tmp_path, city_tree, capsys):
    regions = tmp_path / "regions.xlsx"
    sub = city_tree["subdistrict1"]
    regions.write_bytes(
        xlsx(
            {
                "行政区划": [
                    ["区划代码", "名称", "层级", "上级代码"],
                    [sub.code[:9] + "777", "新社区", "社区村", sub.code],
                ]
            }
        ).getvalue()
    )
    assert run_cli("import_regions", str(regions)) == 0
    estates = tmp_path / "estates.xlsx"
    estates.write_bytes(
        xlsx(
            {
                "小区": [
                    ["小区编码", "小区名称", "所属网格编码"],
                    ["CMD-1", "命令行小区", city_tree["grid1a"].code],
                ]
            }
        ).getvalue()
    )
    assert run_cli("import_estates", str(estates)) == 0
    assert Estate.objects.get(code="CMD-1").grid == city_tree["grid1a"]


def test_import_people_exits_non_zero_on_a_bad_sheet(tmp_path, capsys, db):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx({"人口": [["姓名"]]}).getvalue())
    assert run_cli("import_people", str(path)) == 1
    assert "实有人口: 缺少该工作表。" in capsys.readouterr().err
