from decimal import Decimal

import pytest

from linli.accounts.models import AuditEntry
from linli.territory.imports import ImportFailed, ImportKind, run_import
from linli.territory.models import Building, Courtyard, Estate
from linli.territory.tests.factories import EstateFactory
from linli.territory.tests.ledgers import xlsx

pytestmark = pytest.mark.django_db

ESTATE_HEADER = [
    "小区编码",
    "小区名称",
    "所属网格编码",
    "地址",
    "建成年份",
    "楼栋数",
    "户数",
    "建筑面积",
    "物业模式",
]
COURTYARD_HEADER = ["小区编码", "楼院名称", "建成年份", "户数"]
BUILDING_HEADER = ["小区编码", "楼栋号", "楼院名称", "层数", "单元数", "户数"]


def run(file, **kwargs):
    return run_import(ImportKind.ESTATES, file=file, actor=None, **kwargs)


def problems_of(file):
    with pytest.raises(ImportFailed) as failed:
        run(file)
    return [str(p) for p in failed.value.problems]


@pytest.fixture
def grid(city_tree):
    return city_tree["grid1a"]


def ledger(grid, *, estates=None, courtyards=None, buildings=None):
    sheets = {
        "小区": [
            ESTATE_HEADER,
            *(
                estates
                if estates is not None
                else [
                    [
                        "QB-1",
                        "朝阳小区",
                        grid.code,
                        "朝阳路12号",
                        1995,
                        6,
                        240,
                        18000.5,
                        "红色物业",
                    ],
                    ["QB-2", "纺织厂小区", grid.code, "", "1988年", "", "", "", ""],
                ]
            ),
        ]
    }
    if courtyards is not None:
        sheets["楼院"] = [COURTYARD_HEADER, *courtyards]
    if buildings is not None:
        sheets["楼栋"] = [BUILDING_HEADER, *buildings]
    return xlsx(sheets)


def test_it_creates_estates_courtyards_and_buildings(grid):
    summary = run(
        ledger(
            grid,
            courtyards=[["QB-2", "纺织厂家属院", 1985, 96]],
            buildings=[
                ["QB-1", "1号楼", "", 6, 3, 36],
                ["QB-2", "3号楼", "纺织厂家属院", 5, 2, 20],
            ],
        )
    )
    assert [(t.created, t.updated) for t in summary.tallies] == [(2, 0), (1, 0), (2, 0)]
    first = Estate.objects.get(code="QB-1")
    assert first.grid == grid and first.build_year == 1995 and first.households == 240
    assert first.floor_area_m2 == Decimal("18000.50")
    assert first.property_mode == Estate.PropertyMode.RED
    second = Estate.objects.get(code="QB-2")
    assert second.build_year == 1988 and second.property_mode == Estate.PropertyMode.NONE
    building = Building.objects.get(number="3号楼")
    assert building.courtyard == Courtyard.objects.get(name="纺织厂家属院")
    assert building.estate == second and building.units == 2
    assert AuditEntry.objects.get(action="territory.import.estates").target_id == str(grid.pk)


def test_reimporting_updates_by_code_and_keeps_unfilled_cells(grid):
    run(ledger(grid, buildings=[["QB-1", "1号楼", "", 6, 3, 36]]))
    summary = run(
        ledger(
            grid,
            estates=[["QB-1", "朝阳新村", grid.code, "", "", "", 250, "", "专业物业"]],
            buildings=[["QB-1", "1号楼", "", 7, "", ""]],
        )
    )
    assert [(t.created, t.updated) for t in summary.tallies] == [(0, 1), (0, 0), (0, 1)]
    estate = Estate.objects.get(code="QB-1")
    assert estate.name == "朝阳新村" and estate.households == 250
    assert estate.address == "朝阳路12号" and estate.build_year == 1995
    assert estate.property_mode == Estate.PropertyMode.PROFESSIONAL
    building = Building.objects.get()
    assert (building.floors, building.units) == (7, 3)
    assert Estate.objects.count() == 2


def test_buildings_may_be_added_to_a_stored_estate_alone(grid):
    estate = EstateFactory(grid=grid, code="OLD-1")
    run(
        xlsx({"小区": [ESTATE_HEADER], "楼栋": [BUILDING_HEADER, ["OLD-1", "9号楼", "", 6, 2, 24]]})
    )
    assert estate.buildings.get().number == "9号楼"


def test_the_estates_sheet_is_required():
    assert problems_of(xlsx({"楼栋": [BUILDING_HEADER]})) == ["小区: 缺少该工作表。"]


def test_a_missing_column_in_an_optional_sheet_is_named(grid):
    problems = problems_of(
        xlsx({"小区": [ESTATE_HEADER], "楼栋": [["小区编码", "层数"], ["QB-1", 6]]})
    )
    assert problems == ["楼栋 / 第1行 / 楼栋号: 表头缺少该列。"]


def test_bad_cells_are_named_by_sheet_row_and_column(grid):
    problems = problems_of(
        ledger(
            grid,
            estates=[
                ["QB-1", "朝阳小区", grid.code, "", 2999, -1, "很多", "大", "物业公司"],
                ["QB 2", "空格编码", grid.code, "", "", "", "", "", ""],
            ],
        )
    )
    assert problems[0] == "小区 / 第2行 / 建成年份: 年份2999不可能。"
    assert problems[1] == "小区 / 第2行 / 楼栋数: 应为不小于0的数。"
    assert problems[2].startswith("小区 / 第2行 / 户数: 应为整数")
    assert problems[3].startswith("小区 / 第2行 / 建筑面积: 应为数字")
    assert (
        problems[4]
        == "小区 / 第2行 / 物业模式: 应为以下之一：专业物业、红色物业、居民自管、无物业。"
    )
    assert problems[5].startswith("小区 / 第3行 / 小区编码: 编码最多32个字符")
    assert Estate.objects.count() == 0


def test_unknown_grids_estates_and_courtyards_are_refused(grid, city_tree):
    problems = problems_of(
        ledger(
            grid,
            estates=[
                ["QB-1", "甲", "NO-SUCH-GRID", "", "", "", "", "", ""],
                ["QB-2", "乙", city_tree["community1"].code, "", "", "", "", "", ""],
                ["QB-3", "丙", grid.code, "", "", "", "", "", ""],
            ],
            courtyards=[["QB-9", "无主院", "", ""]],
            buildings=[["QB-3", "1号楼", "不存在的院", "", "", ""]],
        )
    )
    assert problems == [
        "小区 / 第2行 / 所属网格编码: 没有编码为 NO-SUCH-GRID 的网格。",
        "小区 / 第3行 / 所属网格编码: 朝阳社区 是社区/村，不是网格。",
        "楼院 / 第2行 / 小区编码: 本文件和系统中都没有编码为 QB-9 的小区。",
        "楼栋 / 第2行 / 楼院名称: 小区 QB-3 没有名为 不存在的院 的楼院。",
    ]


def test_duplicate_codes_are_refused(grid):
    problems = problems_of(
        ledger(
            grid,
            estates=[["QB-1", "甲", grid.code, "", "", "", "", "", ""]] * 2,
            buildings=[["QB-1", "1号楼", "", "", "", ""]] * 2,
        )
    )
    assert problems == [
        "小区 / 第3行 / 小区编码: 与第2行重复。",
        "楼栋 / 第3行 / 楼栋号: 与第2行重复。",
    ]


def test_a_building_of_an_unreadable_estate_row_is_not_refused_twice(grid):
    problems = problems_of(
        ledger(
            grid,
            estates=[["QB-1", "", grid.code, "", "", "", "", "", ""]],
            buildings=[["QB-1", "1号楼", "", "", "", ""]],
        )
    )
    assert problems == ["小区 / 第2行 / 小区名称: 此单元格必填。"]


def test_a_dry_run_writes_nothing(grid):
    summary = run(ledger(grid), dry_run=True)
    assert summary.dry_run and summary.tallies[0].created == 2
    assert not Estate.objects.exists()
