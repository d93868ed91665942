"""A dispatcher's order files in Chromium: download the hotline template, import a sheet
with a bad row (refused, nothing written, the problem named), fix it and import it, then
export the orders. Selected by role and Chinese label, so the translations are checked too."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, Route, expect

from linli.accounts.tests.factories import PASSWORD
from linli.workorders.imports import SHEET, SPEC
from linli.workorders.models import Source, WorkOrder
from linli.workorders.tests.conftest import centre
from linli.workorders.tests.factories import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _only_local(page: Page, base_url: str) -> None:
    def route(r: Route) -> None:
        if r.request.url.startswith(base_url):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


def _sheet(path: Path, rows: list[dict[str, Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(SPEC.headers())
    for row in rows:
        sheet.append([row.get(h) for h in SPEC.headers()])
    workbook.save(path)
    return path


def test_a_dispatcher_imports_a_hotline_sheet_and_exports_the_orders(
    page: Page, live_server: Any, cast: Any, tmp_path: Path
) -> None:
    CategoryFactory(code="0404", name="机动车乱停放")
    lng, lat = centre(cast.tree["grid1a"])
    case = {"工单编号(热线)": "R-1", "问题分类编码": "事件0404", "诉求内容": "人行道上长期停车",
            "经度": lng, "纬度": lat, "联系电话": "13812345678"}  # fmt: skip
    _only_local(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill(cast.dispatcher.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="工单文件").first.click()
    expect(page.get_by_role("heading", name="导入热线工单表")).to_be_visible()

    with page.expect_download() as template:
        page.get_by_role("link", name="下载模板（.xlsx）").click()
    headers = [
        c.value
        for c in load_workbook(io.BytesIO(Path(template.value.path()).read_bytes()))[SHEET][1]
    ]
    assert headers[0] == "工单编号(热线)"

    bad = _sheet(
        tmp_path / "bad.xlsx", [case, {**case, "工单编号(热线)": "R-2", "问题分类编码": "事件9999"}]
    )
    page.get_by_label("热线工单表（.xlsx）").set_input_files(bad)
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("没有编码为 9999 的问题分类")
    assert not WorkOrder.objects.exists()

    page.get_by_label("热线工单表（.xlsx）").set_input_files(_sheet(tmp_path / "good.xlsx", [case]))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已创建工单：1 张")
    order = WorkOrder.objects.get()
    assert order.source == Source.HOTLINE

    with page.expect_download() as export:
        page.get_by_role("button", name="工单（CSV）").click()
    text = Path(export.value.path()).read_text(encoding="utf-8-sig")
    assert order.number in text and "138****5678" in text and "13812345678" not in text
