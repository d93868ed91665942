import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from linli.lib.ledger import ImportFailed
from linli.renewal.ledger import export_ledger, import_ledger, ledger_template
from linli.renewal.ledger.sheets import SPECS
from linli.renewal.models import (
    EstateSurvey,
    MergedCourtyard,
    PoolEntry,
    ProjectEstate,
    RenovationItem,
    RenovationProject,
    SmartFacility,
    StreetProject,
)
from linli.renewal.queries import Scope, renovation_summary
from linli.renewal.tests.conftest import build_estates
from linli.territory.models import Courtyard, Estate

ALL = ["/"]


def wipe_renewal() -> None:
    for model in (
        MergedCourtyard,
        SmartFacility,
        StreetProject,
        RenovationProject,
        EstateSurvey,
        PoolEntry,
    ):
        model.objects.all().delete()
    from linli.renewal.models import CourtyardMerge

    CourtyardMerge.objects.all().delete()


def rows(data: bytes, sheet: str) -> list[tuple]:
    return [
        tuple(r)
        for r in load_workbook(io.BytesIO(data))[sheet].iter_rows(min_row=2, values_only=True)
    ]


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    """A ledger with the template's headers and the given rows."""
    book = Workbook()
    book.active.title = "说明"
    for spec in SPECS:
        if spec.name in sheets:
            sheet = book.create_sheet(spec.name)
            sheet.append(spec.headers())
            for row in sheets[spec.name]:
                sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_export_then_import_into_an_empty_database_gives_the_same_figures(renewal_city, city_tree):
    before = renovation_summary(Scope())
    by_district = renovation_summary(Scope(city_tree["district2"]))
    data = export_ledger(ALL)
    wipe_renewal()
    Courtyard.objects.all().delete()
    Estate.objects.all().delete()
    build_estates(city_tree)  # the same territory, as it was before any merge
    assert renovation_summary(Scope())["estates_started"] == 0

    import_ledger(io.BytesIO(data), actor=None, paths=ALL)

    assert renovation_summary(Scope()) == before
    assert renovation_summary(Scope(city_tree["district2"])) == by_district
    again = export_ledger(ALL)
    for spec in SPECS:
        first, second = rows(data, spec.name), rows(again, spec.name)
        if spec.name == "楼院合并":  # merge numbers are record ids
            first, second = [r[1:] for r in first], [r[1:] for r in second]
        assert first == second, spec.name


def test_import_over_a_territory_that_already_shows_the_merges_moves_nothing_twice(renewal_city):
    before = renovation_summary(Scope())
    data = export_ledger(ALL)
    wipe_renewal()
    import_ledger(io.BytesIO(data), actor=None, paths=ALL)
    assert renovation_summary(Scope()) == before
    assert Estate.objects.get(code="SC-A").households == 200


def test_importing_the_same_file_twice_changes_nothing(renewal_city):
    data = export_ledger(ALL)
    before = renovation_summary(Scope())
    items = RenovationItem.objects.count()
    import_ledger(io.BytesIO(data), actor=None, paths=ALL)
    assert renovation_summary(Scope()) == before
    assert RenovationItem.objects.count() == items


def test_template_has_every_sheet_with_an_example_row():
    book = load_workbook(io.BytesIO(ledger_template()))
    assert book.sheetnames == [spec.name for spec in SPECS]
    assert all(book[spec.name].max_row == 2 for spec in SPECS)


def problems_of(file) -> list[tuple]:
    with pytest.raises(ImportFailed) as caught:
        import_ledger(file, actor=None, paths=ALL)
    return [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]


def test_a_file_that_is_not_excel_is_refused():
    assert problems_of(io.BytesIO(b"not a workbook")) == [
        ("file", None, None, "This is not an Excel .xlsx file.")
    ]


def test_a_workbook_without_ledger_sheets_is_refused():
    assert problems_of(workbook({}))[0][3].startswith("The file has none of the ledger's sheets")


def test_a_missing_column_is_named(city_tree):
    book = Workbook()
    book.active.title = "项目"
    book.active.append(["项目编号", "项目名称"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    found = problems_of(out)
    assert ("项目", 1, "所属区县代码", "The column is missing from the header row.") in found


def project_row(**over):
    row = {
        "项目编号": "P-9",
        "项目名称": "测试",
        "所属区县代码": "",
        "年度批次": 2021,
        "阶段": "已开工",
        "摸底日期": None,
        "计划日期": None,
        "开工日期": "2021-04-01",
        "完工日期": None,
        "验收日期": None,
        "预算（元）": 1000000,
    }
    row.update(over)
    return [row.get(h) for h in SPECS[0].headers()]


def test_bad_cells_are_reported_by_sheet_row_and_column(city_tree):
    district = city_tree["district2"].code
    file = workbook(
        {
            "项目": [
                project_row(所属区县代码=district, 阶段="快完了"),
                project_row(项目编号="P-10", 所属区县代码="999999999999"),
                project_row(**{"项目编号": "P-11", "所属区县代码": district, "预算（元）": "很多"}),
                project_row(
                    项目编号="P-12", 所属区县代码=district, 阶段="已完工", 完工日期="2021-03-01"
                ),
            ],
        }
    )
    found = {(p[1], p[2]): p[3] for p in problems_of(file)}
    assert found[(2, "阶段")].startswith("Expected one of: 已摸底")
    assert found[(3, "所属区县代码")] == "No district / county has the code 999999999999."
    assert found[(4, "预算（元）")] == "Expected a number, not 很多."
    assert (
        found[(5, "完工日期")]
        == "The date cannot be before 2021-04-01, the date of the previous stage."
    )
    assert RenovationProject.objects.count() == 0


def test_unknown_references_are_reported_and_nothing_is_written(renewal_city, city_tree):
    projects_before = RenovationProject.objects.count()
    file = workbook(
        {
            "项目": [project_row(所属区县代码=city_tree["district2"].code)],
            "小区": [
                ["NOPE", None, None, None, None, None, "P-9", "已开工", None, None, "2021-04-01"]
            ],
            "改造内容": [
                ["P-404", None, "基础类", "道路", 1, "km"],
                ["P-9", "SC-B", "奢华类", "泳池", 1, "个"],
            ],
            "楼院合并": [["M1", "SC-A", "不存在的院", "SC-C", "合小并大", 1, "2021-05-01"]],
            "智慧设施": [
                ["SC-B", "门禁", "dup-key", "2021-05-01"],
                ["SC-C", "门禁", "dup-key", "2021-05-01"],
            ],
            "背街小巷": [
                [
                    "新巷",
                    city_tree["district1"].code,
                    city_tree["subdistrict2"].code,
                    "已完成",
                    "否",
                    2021,
                    None,
                    None,
                    "2021-05-01",
                ]
            ],
        }
    )
    found = problems_of(file)
    messages = {(p[0], p[1], p[2]): p[3] for p in found}
    assert messages[("小区", 2, "小区编码")] == "No estate has the code NOPE."
    assert messages[("改造内容", 2, "项目编号")].startswith("No project has the number P-404")
    assert messages[("改造内容", 3, "类别")].startswith("Expected one of: 基础类")
    assert messages[("楼院合并", 2, "楼院名称")].startswith("Neither SC-C nor SC-A has a courtyard")
    assert messages[("智慧设施", 3, "设备编号")] == "Device key dup-key appears twice in the sheet."
    assert messages[("背街小巷", 2, "所属街道代码")] == "The subdistrict is not in the district."
    assert (
        messages[("背街小巷", 2, "完工日期")] == "The stage is completed, so this date is required."
    )
    assert RenovationProject.objects.count() == projects_before
    assert not RenovationProject.objects.filter(code="P-9").exists()


def test_a_problem_found_while_writing_rolls_back_the_whole_file(renewal_city, city_tree):
    """SC-A has started in SC-1; moving it to another project is refused at write time."""
    file = workbook(
        {
            "项目": [project_row(所属区县代码=city_tree["district2"].code)],
            "小区": [
                ["SC-A", None, None, None, None, None, "P-9", "已开工", None, None, "2021-04-01"]
            ],
        }
    )
    found = problems_of(file)
    assert found == [
        ("小区", 2, None, "An estate whose renovation has started cannot leave the project.")
    ]
    assert not RenovationProject.objects.filter(code="P-9").exists()
    assert ProjectEstate.objects.get(estate__code="SC-A").project.code == "SC-1"


def test_rows_outside_the_importers_region_are_refused(renewal_city, city_tree):
    file = workbook({"智慧设施": [["QB-D", "监控", "qb-cam-1", date(2021, 5, 1)]]})
    with pytest.raises(ImportFailed) as caught:
        import_ledger(file, actor=None, paths=[city_tree["district2"].path])
    assert caught.value.problems[0].message == "Estate QB-D is outside your region."
