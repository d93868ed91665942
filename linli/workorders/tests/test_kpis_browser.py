"""A leader reads the work-order KPIs in Chromium, in Chinese: lands on the city's page,
sees the figures and charts, drills down to a community whose grids the map draws (with no
tiles reachable), and opens the monthly report."""

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.tests.factories import PASSWORD
from linli.workorders.tests.test_kpis_formulas import six_orders  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1440, "height": 900}
MARCH = "?start=2026-03-01&end=2026-03-31"


def test_a_leader_drills_down_from_the_city_to_a_community(
    page: Page,
    live_server,
    cast,
    six_orders,  # noqa: F811
    settings,
):  # type: ignore[no-untyped-def]
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # unreachable, as here
    page.set_viewport_size(DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号").fill(cast.leader.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("工单考核指标 · 鹤壁市")

    page.goto(page.url + MARCH)
    expect(page.locator(".kpi-figure[data-key='reported'] b")).to_have_text("6")
    expect(page.locator(".kpi-figure[data-key='close_rate'] b")).to_have_text("60.0%")
    expect(page.get_by_text("按期结案率").first).to_be_visible()
    expect(page.locator(".kpi-chart canvas")).to_have_count(4)

    page.get_by_role("link", name="淇滨区", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("淇滨区")
    page.get_by_role("link", name="九州路街道", exact=True).click()
    page.get_by_role("link", name="朝阳社区", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("朝阳社区")
    expect(page.locator("[data-kpi-map][data-features='2']")).to_be_attached()
    expect(page.locator(".kpi-map path.leaflet-interactive")).to_have_count(2)
    # Each grid is named on the map (phones have no hover), and a tap gives its figures.
    expect(page.locator(".kpi-map .map-label")).to_have_count(2)
    page.locator(".kpi-map path.leaflet-interactive").first.click(force=True)
    expect(page.locator(".kpi-map .leaflet-popup-content")).to_contain_text("超期")

    page.get_by_role("link", name="月度通报").click()
    expect(page.get_by_role("link", name="下载 Excel")).to_be_visible()
    assert errors == []
