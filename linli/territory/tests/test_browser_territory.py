"""Territory golden paths in Chromium: a grid worker on a phone reveals a resident's phone
(and the access log records it), an office opens the tree level by level, a resident finds
their grid worker, and the map draws grids without any tile server."""

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from linli.accounts.models import Role, SensitiveAccessLog
from linli.accounts.tests.factories import PASSWORD
from linli.territory.tests.factories import ResidentFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def log_in(page: Page, base_url: str, phone: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_grid_worker_reveals_a_residents_phone_on_a_phone(
    page: Page, live_server, city_tree, make_user
):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    grid = city_tree["grid1a"]
    worker = make_user(Role.GRID_WORKER, grid, name="李网格")
    resident = ResidentFactory(grid=grid, name="张秀英", phone="13812345678")
    ResidentFactory(grid=city_tree["grid1b"], name="隔壁的王五")
    log_in(page, live_server.url, worker.phone)

    # Grid workers land on their work queue; their grids are one tap away.
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的网格").click()
    expect(page.get_by_role("heading", name="我的网格", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=grid.name)).to_be_visible()
    page.get_by_role("link", name="居民", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("的居民")
    expect(page.get_by_text("隔壁的王五")).to_have_count(0)
    expect(page.get_by_text("138****5678")).to_be_visible()
    expect(page.get_by_text("13812345678")).to_have_count(0)

    page.get_by_role("button", name="显示张秀英的手机号").click()
    expect(page.get_by_text("13812345678")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/residents/$"))  # swapped in place, no navigation
    log = SensitiveAccessLog.objects.get()
    assert (log.viewer_id, log.subject_id, log.field) == (worker.pk, resident.pk, "phone")

    # Guessing another grid's address answers 404.
    response = page.goto(f"{live_server.url}/territory/r/{city_tree['grid1b'].code}/residents/")
    assert response is not None and response.status == 404


def test_an_office_opens_the_tree_level_by_level(page: Page, live_server, city_tree, make_user):  # type: ignore[no-untyped-def]
    page.set_viewport_size(DESKTOP)
    admin = make_user(Role.ADMIN, city_tree["city"])
    log_in(page, live_server.url, admin.phone)
    expect(page.get_by_role("heading", name="区域网格", level=1)).to_be_visible()
    street = page.locator("details", has=page.get_by_role("link", name="九州路街道")).last
    expect(street.get_by_role("link", name="朝阳社区")).to_be_hidden()
    street.locator("summary").first.click(position={"x": 4, "y": 8})
    expect(street.get_by_role("link", name="朝阳社区")).to_be_visible()
    street.get_by_role("link", name="朝阳社区").click()
    expect(page.get_by_role("heading", name=re.compile("朝阳社区"), level=1)).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="当前位置")
    expect(breadcrumb.get_by_role("link", name="淇滨区")).to_be_visible()
    expect(page.get_by_role("heading", name="本社区的网格")).to_be_visible()


def test_a_resident_finds_their_grid_worker(page: Page, live_server, city_tree, make_user):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    grid = city_tree["grid1a"]
    worker = make_user(Role.GRID_WORKER, grid, name="李网格")
    user = make_user(Role.RESIDENT, grid, name="张三")
    ResidentFactory(grid=grid, user=user, name="张三", phone="13812340000")
    log_in(page, live_server.url, user.phone)
    # Residents land on their work orders; their neighbourhood is one tap away.
    page.get_by_role("link", name="我的社区").click()
    expect(page.get_by_role("heading", name="我的网格", exact=True)).to_be_visible()
    expect(page.get_by_text(grid.name).first).to_be_visible()
    expect(page.get_by_text("138****0000")).to_be_visible()
    page.get_by_role("button", name="显示李网格的手机号").click()
    expect(page.get_by_text(worker.phone)).to_be_visible()
    assert SensitiveAccessLog.objects.filter(viewer=user, subject_id=worker.pk).exists()


def _grid_collection(grids):  # type: ignore[no-untyped-def]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": g.geometry,
                "properties": {"code": g.code, "name": g.name, "households": g.households},
            }
            for g in grids
        ],
    }


def test_the_map_draws_grids_and_names_without_tiles(page: Page, live_server, city_tree, make_user):  # type: ignore[no-untyped-def]
    page.set_viewport_size(DESKTOP)
    admin = make_user(Role.ADMIN, city_tree["city"])
    grids = [city_tree["grid1a"], city_tree["grid1b"]]
    # Two neighbouring grids, large enough on screen for their names (where a factory puts
    # grids depends on how many were made before, which varies with test order).
    for i, grid in enumerate(grids):
        grid.geometry = square(114.30 + i * 0.01, 35.70, 0.01)
    body = json.dumps(_grid_collection(grids))

    # No tile server is reachable; the grids' own data is served as the map view would.
    page.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"), lambda route: route.abort())

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="application/geo+json", body=body)

    page.route("**/map.geojson", serve)
    log_in(page, live_server.url, admin.phone)
    page.goto(f"{live_server.url}/territory/r/{city_tree['community1'].code}/")
    map_box = page.locator(".map")
    expect(map_box).to_have_attribute("data-features", "2")
    expect(map_box.locator(".leaflet-overlay-pane path")).to_have_count(2)
    for grid in grids:
        expect(map_box.locator(".map-label", has_text=grid.name)).to_be_visible()


def test_a_map_without_data_says_so(page: Page, live_server, city_tree, make_user):  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN, city_tree["city"])
    page.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"), lambda route: route.abort())
    page.route("**/map.geojson", lambda route: route.fulfill(status=404, body="not found"))
    log_in(page, live_server.url, admin.phone)
    page.goto(f"{live_server.url}/territory/r/{city_tree['district2'].code}/")
    expect(page.get_by_text("该区域尚未绘制边界。")).to_be_visible()
