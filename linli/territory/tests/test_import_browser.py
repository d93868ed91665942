"""An admin imports grids through the page in Chromium: a file with one overlapping
polygon is refused and named; the corrected file is imported."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import Role
from linli.accounts.tests.factories import PASSWORD
from linli.territory.models import Region
from linli.territory.tests.factories import square

FILE_LABEL = re.compile(r"^文件[:：]?$")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def grids_file(tmp_path, parent_code, offsets):
    features = [
        {
            "type": "Feature",
            "properties": {"code": f"W-{i}", "name": f"网格{i}", "parent_code": parent_code},
            "geometry": square(114.0 + dx, 36.5, 0.002),
        }
        for i, dx in enumerate(offsets, start=1)
    ]
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_an_admin_sees_the_overlap_named_then_imports_the_fixed_file(
    page: Page, live_server, city_tree, make_user, tmp_path
):  # type: ignore[no-untyped-def]
    user = make_user(Role.ADMIN, city_tree["city"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill(user.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="数据导入").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("区域数据导入")
    page.get_by_role("link", name="上传文件").first.click()

    code = city_tree["community1"].code
    page.get_by_label(FILE_LABEL).set_input_files(grids_file(tmp_path, code, [0, 0.001]))
    page.get_by_role("button", name="导入").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("共1个问题")
    expect(alert).to_contain_text("要素 2（W-2 网格2）")
    assert not Region.objects.filter(code__startswith="W-").exists()

    page.get_by_label(FILE_LABEL).set_input_files(grids_file(tmp_path, code, [0, 0.002]))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("status")).to_contain_text("导入完成")
    assert Region.objects.filter(code__startswith="W-").count() == 2
