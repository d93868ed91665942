from datetime import date

import pytest

from linli.accounts.models import AuditEntry
from linli.lib.idcard import check_digit
from linli.territory.imports import ImportFailed, ImportKind, run_import
from linli.territory.models import Dwelling, Resident
from linli.territory.tests.factories import BuildingFactory, EstateFactory, ResidentFactory
from linli.territory.tests.ledgers import xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "户籍类型",
    "所属网格编码",
    "小区编码",
    "楼栋",
    "单元",
    "房号",
    "与户主关系",
    "特殊人群",
]


def id_number(born="19560308", serial="002"):
    body = f"410611{born}{serial}"
    return body + check_digit(body)


def row(name, grid, **cells):
    values = {
        "性别": "",
        "出生日期": "",
        "身份证号": "",
        "手机号": "",
        "户籍类型": "",
        "小区编码": "",
        "楼栋": "",
        "单元": "",
        "房号": "",
        "与户主关系": "",
        "特殊人群": "",
    }
    values.update(cells)
    return [
        name if h == "姓名" else grid.code if h == "所属网格编码" else values[h] for h in HEADER
    ]


def sheet(*rows):
    return xlsx({"实有人口": [HEADER, *rows]})


def run(file, **kwargs):
    return run_import(ImportKind.PEOPLE, file=file, actor=None, **kwargs)


def problems_of(file):
    with pytest.raises(ImportFailed) as failed:
        run(file)
    return [str(p) for p in failed.value.problems]


@pytest.fixture
def grid(city_tree):
    return city_tree["grid1a"]


@pytest.fixture
def building(grid):
    return BuildingFactory(estate=EstateFactory(grid=grid, code="QB-1"), number="1号楼")


def test_it_creates_residents_and_attaches_dwellings(grid, building):
    summary = run(
        sheet(
            row(
                "张秀英",
                grid,
                身份证号=id_number(),
                手机号="138 0392 0000",
                小区编码="QB-1",
                楼栋="1号楼",
                单元=2,
                房号=301,
                与户主关系="户主",
            ),
            row(
                "李强",
                grid,
                性别="男",
                出生日期="1980/1/31",
                户籍类型="流动",
                小区编码="QB-1",
                楼栋="1号楼",
                单元=2,
                房号=301,
                特殊人群="独居老人",
            ),
        )
    )
    assert [t.created for t in summary.tallies] == [2, 1]
    zhang = Resident.objects.get(name="张秀英")
    # Gender and birth date come from the ID number when the cells are empty.
    assert zhang.gender == Resident.Gender.FEMALE and zhang.birth_date == date(1956, 3, 8)
    assert zhang.phone == "13803920000" and zhang.relation_to_head == "户主"
    li = Resident.objects.get(name="李强")
    assert li.residency == Resident.Residency.MIGRANT and li.birth_date == date(1980, 1, 31)
    assert li.special_group == "独居老人"
    dwelling = Dwelling.objects.get()
    assert (dwelling.building, dwelling.unit, dwelling.number) == (building, "2", "301")
    assert zhang.dwelling == li.dwelling == dwelling
    entry = AuditEntry.objects.get(action="territory.import.people")
    assert "张秀英" not in entry.summary and "13803920000" not in str(entry.data)


def test_reimporting_updates_by_id_number_and_by_name_phone_and_dwelling(grid):
    run(
        sheet(
            row("张秀英", grid, 身份证号=id_number()),
            row("李强", grid, 性别="男", 手机号="13900000001"),
        )
    )
    summary = run(
        sheet(
            row("张秀英", grid, 身份证号=id_number(), 手机号="13800000002"),
            row("李强", grid, 性别="男", 手机号="13900000001", 特殊人群="退役军人"),
        )
    )
    assert (summary.tallies[0].created, summary.tallies[0].updated) == (0, 2)
    assert Resident.objects.count() == 2
    assert Resident.objects.get(name="张秀英").phone == "13800000002"
    assert Resident.objects.get(name="李强").special_group == "退役军人"
    again = run(sheet(row("李强", grid, 性别="男", 手机号="13900000001")))
    assert again.tallies[0].unchanged == 1


def test_a_stored_resident_is_matched_by_id_number_across_grids(grid, city_tree):
    stored = ResidentFactory(grid=city_tree["grid2a"], id_number=id_number(), name="张秀英")
    run(sheet(row("张秀英", grid, 身份证号=id_number())))
    stored.refresh_from_db()
    assert stored.grid == grid and Resident.objects.count() == 1


def test_bad_cells_are_named_in_chinese(grid):
    wrong_check = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    problems = problems_of(
        sheet(
            row("甲", grid, 身份证号=wrong_check),
            row("乙", grid, 性别="男", 手机号="12345"),
            row("丙", grid, 性别="未知"),
            row("丁", grid, 性别="女", 出生日期="1980-02-30"),
            row("戊", grid),
            row("", grid, 性别="女"),
        )
    )
    assert problems == [
        "实有人口 / 第2行 / 身份证号: 身份证号校验码不正确。",
        "实有人口 / 第3行 / 手机号: 请输入以1开头的11位大陆手机号码（实际为 12345）。",
        "实有人口 / 第4行 / 性别: 应为以下之一：男、女。",
        "实有人口 / 第5行 / 出生日期: 应为日期，如1980-01-31，而不是 1980-02-30。",
        "实有人口 / 第6行 / 性别: 请填写性别或身份证号。",
        "实有人口 / 第7行 / 姓名: 此单元格必填。",
    ]
    assert not Resident.objects.exists()


def test_gender_and_birth_date_must_agree_with_the_id_number(grid):
    problems = problems_of(
        sheet(row("甲", grid, 身份证号=id_number(), 性别="男", 出生日期="1956-03-09"))
    )
    assert problems == [
        "实有人口 / 第2行 / 性别: 性别与身份证号不符。",
        "实有人口 / 第2行 / 出生日期: 出生日期与身份证号不符。",
    ]


def test_duplicate_id_numbers_in_the_file_are_refused(grid):
    problems = problems_of(
        sheet(row("甲", grid, 身份证号=id_number()), row("乙", grid, 身份证号=id_number()))
    )
    assert problems == ["实有人口 / 第3行 / 身份证号: 第2行的身份证号与此相同。"]


def test_unknown_grids_and_dwellings_are_refused(grid, building, city_tree):
    problems = problems_of(
        sheet(
            row("甲", city_tree["community1"], 性别="女"),
            row("乙", grid, 性别="女", 小区编码="QB-1", 房号="101"),
            row("丙", grid, 性别="女", 小区编码="QB-9", 楼栋="1号楼", 房号="101"),
            row("丁", grid, 性别="女", 小区编码="QB-1", 楼栋="9号楼", 房号="101"),
            row("戊", city_tree["grid2a"], 性别="女", 小区编码="QB-1", 楼栋="1号楼", 房号="101"),
        )
    )
    assert (
        problems[0]
        == f"实有人口 / 第2行 / 所属网格编码: 没有编码为 {city_tree['community1'].code} 的网格。"
    )
    assert problems[1] == "实有人口 / 第3行 / 楼栋: 如需关联房屋，请同时填写小区编码、楼栋和房号。"
    assert problems[2] == "实有人口 / 第4行 / 小区编码: 没有编码为 QB-9 的小区。"
    assert problems[3].startswith("实有人口 / 第5行 / 楼栋: 小区") and "9号楼" in problems[3]
    assert problems[4].startswith("实有人口 / 第6行 / 小区编码: 小区") and "不在网格" in problems[4]


def test_the_sheet_and_its_columns_are_required(grid):
    assert problems_of(xlsx({"人口": [HEADER]})) == ["实有人口: 缺少该工作表。"]
    problems = problems_of(xlsx({"实有人口": [["姓名", "性别"], ["甲", "女"]]}))
    assert problems == ["实有人口 / 第1行 / 所属网格编码: 表头缺少该列。"]
