import io

import pytest

from linli.accounts.models import AuditEntry
from linli.territory.imports import ImportFailed, ImportKind, run_import
from linli.territory.models import Region
from linli.territory.tests.ledgers import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["区划代码", "名称", "层级", "上级代码", "类型"]
BRANCH = [
    ["410600000000", "鹤壁市", "市", "", "市"],
    ["410611000000", "淇滨区", "区县", "410600000000", ""],
    ["410621000000", "浚县", "区县", "410600000000", ""],
    ["410611001000", "九州路街道", "街道乡镇", "410611000000", ""],
    ["410621100000", "善堂镇", "街道乡镇", "410621000000", ""],
    ["410611001001", "朝阳社区", "社区村", "410611001000", ""],
    ["410621100201", "西岗村", "社区村", "410621100000", ""],
]


def run(file, **kwargs):
    return run_import(ImportKind.REGIONS, file=file, actor=None, **kwargs)


def problems_of(file):
    with pytest.raises(ImportFailed) as failed:
        run(file)
    return [str(p) for p in failed.value.problems]


def test_it_builds_the_tree_with_paths_and_kinds_from_the_codes():
    summary = run(xlsx({"行政区划": [HEADER, *BRANCH]}))
    assert summary.tallies[0].created == 7
    community = Region.objects.get(code="410611001001")
    assert [r.name for r in Region.objects.filter(pk__in=community.ancestor_ids())] == [
        "鹤壁市",
        "淇滨区",
        "九州路街道",
        "朝阳社区",
    ]
    assert community.path.count("/") == 5
    kinds = dict(Region.objects.values_list("code", "kind"))
    assert kinds["410611000000"] == Region.Kind.DISTRICT
    assert kinds["410621000000"] == Region.Kind.COUNTY
    assert kinds["410611001000"] == Region.Kind.SUBDISTRICT
    assert kinds["410621100000"] == Region.Kind.TOWN
    assert kinds["410611001001"] == Region.Kind.COMMUNITY
    assert kinds["410621100201"] == Region.Kind.VILLAGE
    assert AuditEntry.objects.filter(action="territory.import.regions").count() == 1


def test_rows_may_come_in_any_order_and_codes_as_numbers():
    rows = [[int(r[0]), r[1], r[2], int(r[3]) if r[3] else None, r[4]] for r in reversed(BRANCH)]
    run(xlsx({"行政区划": [HEADER, *rows]}))
    assert Region.objects.filter(code__startswith="4106").count() == 7


def test_reimporting_renames_in_place_and_counts_unchanged_rows():
    run(xlsx({"行政区划": [HEADER, *BRANCH]}))
    renamed = [*BRANCH[:-1], ["410621100201", "西岗新村", "社区村", "410621100000", "村"]]
    summary = run(xlsx({"行政区划": [HEADER, *renamed]}))
    tally = summary.tallies[0]
    assert (tally.created, tally.updated, tally.unchanged) == (0, 1, 6)
    assert Region.objects.get(code="410621100201").name == "西岗新村"
    assert Region.objects.count() == 7


def test_it_adds_communities_under_a_stored_subdistrict(city_tree):
    sub = city_tree["subdistrict1"]
    code = sub.code[:9] + "555"
    run(xlsx({"行政区划": [HEADER, [code, "新建社区", "社区村", sub.code, ""]]}))
    assert Region.objects.get(code=code).parent == sub


def test_a_file_that_is_not_xlsx_is_refused():
    problems = problems_of(io.BytesIO(b"code,name\n1,2\n"))
    assert problems == ["文件: 这不是 Excel .xlsx 文件。"]


def test_a_missing_sheet_or_column_is_named():
    assert problems_of(xlsx({"Sheet1": [HEADER]})) == ["行政区划: 缺少该工作表。"]
    problems = problems_of(xlsx({"行政区划": [["区划代码", "名称", "上级代码"], BRANCH[0][:2]]}))
    assert problems == ["行政区划 / 第1行 / 层级: 表头缺少该列。"]


def test_an_empty_sheet_is_refused():
    assert "没有数据行" in problems_of(xlsx({"行政区划": [HEADER]}))[0]


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_written():
    rows = [
        BRANCH[0],
        ["41061100000", "短码", "区县", "410600000000", ""],
        ["410611000000", "", "区县", "410600000000", ""],
        ["410611001000", "层级错", "省", "410611000000", ""],
        ["410611001001", "类型错", "社区村", "410611001000", "镇"],
    ]
    problems = problems_of(xlsx({"行政区划": [HEADER, *rows]}))
    assert problems[0].startswith("行政区划 / 第3行 / 区划代码: 区划代码应为12位数字")
    assert problems[1] == "行政区划 / 第4行 / 名称: 此单元格必填。"
    assert problems[2].startswith("行政区划 / 第5行 / 层级: 应为以下之一")
    assert problems[3] == "行政区划 / 第6行 / 类型: 社区/村不能是此类型。"
    # Row 6's parent is on row 5, which could not be read: no second, misleading problem.
    assert len(problems) == 4
    assert Region.objects.count() == 0


def test_duplicate_codes_are_refused():
    problems = problems_of(xlsx({"行政区划": [HEADER, *BRANCH, BRANCH[-1]]}))
    assert problems == ["行政区划 / 第9行 / 区划代码: 编码 410621100201 与第8行重复。"]


def test_unknown_parents_and_wrong_parent_levels_are_refused():
    rows = [
        BRANCH[0],
        ["410611001000", "孤儿街道", "街道乡镇", "410699000000", ""],
        ["410611002000", "跳级街道", "街道乡镇", "410600000000", ""],
        ["410611000000", "淇滨区", "区县", "", ""],
    ]
    problems = problems_of(xlsx({"行政区划": [HEADER, *rows]}))
    assert "第3行 / 上级代码" in problems[0] and "410699000000" in problems[0]
    assert "第4行 / 上级代码" in problems[1] and "街道/乡镇的上级应为区/县" in problems[1]
    assert problems[2] == "行政区划 / 第5行 / 上级代码: 此单元格必填。"


def test_a_code_must_repeat_its_parents_digits_and_match_its_level():
    rows = [
        *BRANCH[:2],
        ["410622001000", "别区街道", "街道乡镇", "410611000000", ""],
        ["410611003000", "像街道的社区", "社区村", "410611000000", ""],
    ]
    problems = problems_of(xlsx({"行政区划": [HEADER, *rows]}))
    assert (
        "第4行 / 区划代码" in problems[0]
        and "应以上级 410611000000 的有效位 410611 开头" in problems[0]
    )
    assert "第5行 / 区划代码" in problems[1] and "不符合社区/村代码的格式" in problems[1]


def test_a_stored_region_cannot_change_level_or_parent(city_tree):
    community = city_tree["community1"]
    other_sub = city_tree["subdistrict2"]
    rows = [
        [city_tree["subdistrict1"].code, "改成社区", "社区村", community.code, ""],
        [community.code, community.name, "社区村", other_sub.code, ""],
    ]
    problems = problems_of(xlsx({"行政区划": [HEADER, *rows]}))
    assert problems[0].startswith("行政区划 / 第2行 / 层级: 系统中编码")
    assert "街道/乡镇" in problems[0]
    assert any(
        p.startswith("行政区划 / 第3行 / 上级代码") and "导入不能移动区域" in p for p in problems
    )


def test_municipality_codes_use_two_significant_digits():
    rows = [
        ["110000000000", "北京市", "市", "", ""],
        ["110101000000", "东城区", "区县", "110000000000", ""],
    ]
    run(xlsx({"行政区划": [HEADER, *rows]}))
    assert Region.objects.get(code="110101000000").parent.code == "110000000000"
