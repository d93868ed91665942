"""Order files: exports of order lists and KPIs (permissions and masking as on the pages,
CSV streamed, Excel write-only) and the hotline sheet import (all or nothing, row-level
problems, idempotent by the hotline's case number), with a round trip through both."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from linli.lib.ledger import ImportFailed
from linli.workorders.imports import SHEET, SPEC, import_hotline_sheet
from linli.workorders.models import Category, Source, WorkOrder
from linli.workorders.tests.conftest import Cast, centre
from linli.workorders.tests.factories import CategoryFactory, MajorCategoryFactory

pytestmark = pytest.mark.django_db


def _sheet(rows: list[dict[str, Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    headers = SPEC.headers()
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _case(cast: Cast, number: str, grid: str = "grid1a", **extra: Any) -> dict[str, Any]:
    lng, lat = centre(cast.tree[grid])
    row = {
        "工单编号(热线)": number,
        "来电时间": "2026-05-12 09:30",
        "诉求人": "王先生",
        "联系电话": "13812345678",
        "诉求类型": "投诉",
        "问题分类编码": "事件0404",
        "诉求内容": "小区门口人行道上有车辆长期停放",
        "地址": "九州路 18 号",
        "经度": lng,
        "纬度": lat,
    }
    row.update(extra)
    return row


@pytest.fixture
def parking(db: Any) -> Category:
    return CategoryFactory(code="0404", name="机动车乱停放")


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_importing_a_hotline_sheet_creates_hotline_orders_in_their_grids(
    cast: Cast, parking: Category
) -> None:
    sheet = _sheet([_case(cast, "A-1"), _case(cast, "A-2", grid="grid1b", 诉求类型=None)])
    report = import_hotline_sheet(file=sheet, by=cast.dispatcher)
    first, second = report.created
    assert (first.source, first.category, first.grid) == (
        Source.HOTLINE,
        parking,
        cast.tree["grid1a"],
    )
    assert second.grid == cast.tree["grid1b"]
    assert first.description.startswith("【投诉】小区门口")
    assert first.requester_phone == "13812345678" and first.requester_name == "王先生"
    assert first.reporter == cast.dispatcher and first.client_token == "12345:A-1"
    assert first.events.get().action == "report"


def test_importing_the_same_sheet_again_creates_nothing_twice(
    cast: Cast, parking: Category
) -> None:
    rows = [_case(cast, "B-1"), _case(cast, "B-2")]
    import_hotline_sheet(file=_sheet(rows), by=cast.dispatcher)
    again = import_hotline_sheet(file=_sheet([*rows, _case(cast, "B-3")]), by=cast.admin)
    assert again.already == ["B-1", "B-2"]
    assert [o.client_token for o in again.created] == ["12345:B-3"]
    assert WorkOrder.objects.count() == 3


def test_a_sheet_with_any_bad_row_is_refused_whole_with_every_problem(
    cast: Cast, parking: Category
) -> None:
    rows = [
        _case(cast, "C-1"),
        _case(cast, "C-2", 问题分类编码="事件9999"),
        _case(cast, "C-3", 诉求内容=None),
        _case(cast, "C-4", 经度=100.0, 纬度=30.0),
        _case(cast, "C-1"),
        _case(cast, "C-6", 诉求类型="抱怨"),
        _case(cast, "C-7", 联系电话="12"),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_hotline_sheet(file=_sheet(rows), by=cast.dispatcher)
    found = {(p.row, p.column) for p in failed.value.problems}
    assert {
        (3, "问题分类编码"),
        (4, "诉求内容"),
        (5, "经度"),
        (6, "工单编号(热线)"),
        (7, "诉求类型"),
    } <= found
    assert not WorkOrder.objects.exists()


def test_an_engine_refusal_in_a_late_row_rolls_back_the_earlier_rows(
    cast: Cast, parking: Category
) -> None:
    rows = [_case(cast, "D-1"), _case(cast, "D-2", 联系电话="12")]
    with pytest.raises(ImportFailed) as failed:
        import_hotline_sheet(file=_sheet(rows), by=cast.dispatcher)
    (problem,) = failed.value.problems
    assert (problem.row, problem.column) == (3, "联系电话")
    assert not WorkOrder.objects.exists()


def test_places_outside_the_dispatchers_regions_are_refused(cast: Cast, parking: Category) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_hotline_sheet(file=_sheet([_case(cast, "E-1", grid="grid2a")]), by=cast.dispatcher)
    assert failed.value.problems[0].column == "经度"
    assert import_hotline_sheet(file=_sheet([_case(cast, "E-1", grid="grid2a")]), by=cast.admin)


def test_a_code_used_by_two_kinds_needs_its_kind(cast: Cast, parking: Category) -> None:
    CategoryFactory(
        parent=MajorCategoryFactory(kind=Category.Kind.COMPONENT, code="04", name="园林绿化"),
        code="0404",
        name="花坛花箱",
    )
    with pytest.raises(ImportFailed) as failed:
        import_hotline_sheet(file=_sheet([_case(cast, "F-1", 问题分类编码="0404")]), by=cast.admin)
    assert "部件0404" in failed.value.problems[0].message
    report = import_hotline_sheet(
        file=_sheet([_case(cast, "F-1", 问题分类编码="部件0404")]), by=cast.admin
    )
    assert report.created[0].category.name == "花坛花箱"


def test_a_file_that_is_not_a_workbook_is_refused(cast: Cast) -> None:
    with pytest.raises(ImportFailed):
        import_hotline_sheet(file=io.BytesIO(b"not excel"), by=cast.dispatcher)


def test_the_import_page_reports_problems_and_results(
    client: Client, cast: Cast, parking: Category
) -> None:
    _login(client, cast.dispatcher)
    template = client.get("/orders/files/hotline-template.xlsx")
    headers = [c.value for c in load_workbook(io.BytesIO(template.content))[SHEET][1]]
    assert headers[:3] == ["工单编号(热线)", "来电时间", "诉求人"]
    bad = _sheet([_case(cast, "G-1", 问题分类编码="事件9999")])
    page = client.post("/orders/files/import/", {"file": bad})
    assert page.status_code == 400 and "9999" in page.content.decode()
    page = client.post("/orders/files/import/", {"file": _sheet([_case(cast, "G-1")])})
    assert page.status_code == 200
    assert WorkOrder.objects.get().number in page.content.decode()


@pytest.mark.parametrize("who", ["resident", "grid_worker", "volunteer"])
def test_file_pages_are_for_the_dispatch_desk_only(client: Client, cast: Cast, who: str) -> None:
    _login(client, getattr(cast, who))
    for url in ("/orders/files/", "/orders/files/orders.csv", "/orders/files/import/",
                "/orders/files/hotline-template.xlsx", "/orders/files/kpis.xlsx"):  # fmt: skip
        assert client.get(url).status_code == 404


def _csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_streams_the_orders_the_person_may_see_with_phones_masked(
    client: Client, cast: Cast, make_order: Any
) -> None:
    mine = make_order(requester_phone="13812345678")
    lng, lat = centre(cast.tree["grid2a"])
    other = make_order(lng=lng, lat=lat)
    response = _login(client, cast.dispatcher).get("/orders/files/orders.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = _csv_rows(response)
    assert header[0] == "工单编号"
    assert [r[0] for r in rows] == [mine.number]
    assert "13812345678" not in str(rows) and "138****5678" in rows[0]
    assert "王*红" in rows[0]
    response = _login(client, cast.admin).get("/orders/files/orders.csv")
    assert {r[0] for r in _csv_rows(response)[1:]} == {mine.number, other.number}


def test_export_filters_and_refuses_bad_dates(client: Client, cast: Cast, make_order: Any) -> None:
    make_order()
    _login(client, cast.admin)
    assert len(_csv_rows(client.get("/orders/files/orders.csv", {"state": "closed"}))) == 1
    assert len(_csv_rows(client.get("/orders/files/orders.csv", {"source": "resident"}))) == 2
    bad = client.get("/orders/files/orders.csv", {"start": "2026-05-10", "end": "2026-05-01"})
    assert bad.status_code == 400
    assert client.get("/orders/files/orders.pdf").status_code == 400


def test_import_then_export_round_trips(client: Client, cast: Cast, parking: Category) -> None:
    rows = [_case(cast, f"H-{i}", 地址=f"九州路 {i} 号") for i in range(1, 4)]
    created = import_hotline_sheet(file=_sheet(rows), by=cast.dispatcher).created
    response = _login(client, cast.dispatcher).get("/orders/files/orders.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    header, *exported = [list(r) for r in sheet.iter_rows(values_only=True)]
    by_number = {r[0]: dict(zip(header, r, strict=True)) for r in exported}
    assert set(by_number) == {o.number for o in created}
    first = by_number[created[0].number]
    assert first["来源"] == "12345热线" and first["地址"] == "九州路 1 号"
    assert first["类别"] == "机动车乱停放" and first["联系电话"] == "138****5678"
    assert first["经度"] == pytest.approx(created[0].lng, abs=1e-6)
    # The exported places go back in as the same orders: nothing new is created.
    again = [_case(cast, f"H-{i}", 经度=by_number[o.number]["经度"], 纬度=by_number[o.number]["纬度"])
             for i, o in enumerate(created, start=1)]  # fmt: skip
    assert import_hotline_sheet(file=_sheet(again), by=cast.dispatcher).already == [
        "H-1",
        "H-2",
        "H-3",
    ]


def test_kpi_export_has_a_row_for_the_desk_region_and_each_below(
    client: Client, cast: Cast, make_order: Any
) -> None:
    make_order()
    response = _login(client, cast.dispatcher).get("/orders/files/kpis.csv")
    header, *rows = _csv_rows(response)
    assert header[:4] == ["区域", "代码", "上报数", "超期"]
    names = [r[0] for r in rows]
    assert names[0] == cast.tree["subdistrict1"].name
    assert cast.tree["community1"].name in names
    xlsx = client.get("/orders/files/kpis.xlsx")
    assert xlsx.status_code == 200
