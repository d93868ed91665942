"""A resident's golden path in Chromium on a phone-sized page: report a problem with a photo
and a tap on the map (no tile server reachable), follow it while staff move it along, then
rate it. Selected by role and Chinese label, so the translations are checked too."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, Route, expect

from linli.accounts.tests.factories import PASSWORD
from linli.workorders.models import OrderState, WorkOrder
from linli.workorders.services import (
    accept_order,
    close_order,
    dispatch_order,
    file_order,
    handle_order,
)
from linli.workorders.tests.factories import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def only_local(page: Page, base_url: str) -> None:
    """Tiles and anything else off this machine fail at once, as they would offline."""

    def route(r: Route) -> None:
        if r.request.url.startswith(base_url):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


def log_in(page: Page, base_url: str, phone: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_resident_reports_with_a_photo_and_a_map_tap_then_rates_it(
    page: Page, live_server, cast, tmp_path
):  # type: ignore[no-untyped-def]
    CategoryFactory(name="路灯不亮", responder_kinds=["volunteer"])
    photo = tmp_path / "路灯.jpg"
    Image.new("RGB", (800, 600), (40, 90, 160)).save(photo, format="JPEG")
    page.set_viewport_size(PHONE)
    only_local(page, live_server.url)
    log_in(page, live_server.url, cast.resident.phone)

    expect(page.get_by_role("heading", name="我的工单", level=1)).to_be_visible()
    page.get_by_role("link", name="我要报事").first.click()
    expect(page.get_by_role("heading", name="我要报事", level=1)).to_be_visible()
    page.wait_for_load_state()  # the picker's script runs after Leaflet has loaded

    page.get_by_role("searchbox", name="搜索类别").fill("路灯")
    page.get_by_text("路灯不亮", exact=True).click()
    expect(page.get_by_role("button", name="更换")).to_be_visible()
    page.get_by_role("textbox", name="描述一下").fill("小区东门的路灯晚上不亮")
    page.locator("#id_photos").set_input_files(str(photo))
    expect(page.locator("[data-photo-previews] img")).to_have_count(1)

    the_map = page.get_by_role("region", name="地图")
    expect(the_map).to_have_attribute("data-features", re.compile(r"[1-9]"))
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("已定位：")).to_be_visible()
    expect(page.locator(".place-status")).to_contain_text(f"朝阳社区{cast.tree['grid1a'].name}")

    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text(re.compile(r"提交成功，工单编号 \d+"))).to_be_visible()
    order = WorkOrder.objects.get()
    assert (order.requester_id, order.grid_id) == (cast.resident.pk, cast.tree["grid1a"].pk)
    assert order.photos.count() == 1
    expect(page.get_by_role("heading", name="路灯不亮", level=1)).to_be_visible()
    expect(page.get_by_text("派单后 2 个工作日内")).to_be_visible()

    # Staff move it along; the resident follows it on the same page.
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已更换灯泡", photos=[photo.read_bytes()])
    close_order(order=order, by=cast.grid_worker)
    page.reload()
    timeline = page.locator(".timeline")
    for step in ("上报", "立案", "派单", "接单", "处置反馈", "核查结案"):
        expect(timeline.get_by_text(step, exact=True)).to_be_visible()
    expect(timeline.get_by_text("已更换灯泡")).to_be_visible()
    expect(timeline.get_by_role("img")).to_have_count(2)

    rating = page.locator("#act-rate")
    rating.get_by_text("已解决", exact=True).click()
    rating.get_by_text("满意", exact=True).click()
    rating.get_by_label("评价内容").fill("修得很快，谢谢")
    rating.get_by_role("button", name="评价").click()
    expect(page.get_by_text("感谢您的评价！")).to_be_visible()
    expect(page.locator(".order-head").get_by_text("已评价")).to_be_visible()
    order.refresh_from_db()
    assert (order.state, order.resolved, order.satisfaction) == (
        OrderState.RATED,
        True,
        "satisfied",
    )
    assert order.rating_comment == "修得很快，谢谢"


def test_the_send_bar_stays_above_the_map_on_a_phone(page: Page, live_server, cast):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    only_local(page, live_server.url)
    log_in(page, live_server.url, cast.resident.phone)
    page.goto(f"{live_server.url}/orders/new/")
    page.wait_for_load_state()
    the_map = page.get_by_role("region", name="地图")
    expect(the_map).to_have_attribute("data-features", re.compile(r"[1-9]"))
    # Scroll the map's zoom buttons (Leaflet gives them z-index 1000) half under the sticky bar.
    zoom = page.locator(".leaflet-control-zoom")
    bar = page.locator(".submit-bar")
    zoom_bottom = zoom.evaluate("el => el.getBoundingClientRect().bottom + window.scrollY")
    bar_box = bar.bounding_box()
    assert bar_box is not None
    page.evaluate(f"window.scrollTo(0, {zoom_bottom} - {bar_box['y']} - 20)")
    box, bar_box = zoom.bounding_box(), bar.bounding_box()
    assert box is not None and bar_box is not None
    x, y = box["x"] + box["width"] / 2, bar_box["y"] + 10
    assert box["y"] < y < box["y"] + box["height"]  # a point both cover
    on_top = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.submit-bar')", [x, y]
    )
    assert on_top, "the map's zoom buttons draw over the 提交 bar"
