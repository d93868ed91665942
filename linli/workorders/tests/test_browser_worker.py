"""The grid worker's golden paths in Chromium on a phone-sized page, selected by role and
Chinese label: a resident's order filed and dispatched from the recommendations, accepted
and handled with a photo by a volunteer on the order page, then checked and closed; a
return dispatched again to a unit; and a result sent back for rework."""

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from linli.accounts.models import ResponderKind
from linli.workorders.models import OrderState, ResponderProfile, WorkOrder
from linli.workorders.services import (
    accept_order,
    create_order,
    dispatch_order,
    file_order,
    handle_order,
)
from linli.workorders.tests.conftest import Cast, centre
from linli.workorders.tests.factories import CategoryFactory
from linli.workorders.tests.test_browser_resident import PHONE, log_in, only_local
from linli.workorders.tests.test_recommend import east_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def photo(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "现场.jpg"
    Image.new("RGB", (640, 480), (90, 140, 60)).save(path, format="JPEG")
    return path


@pytest.fixture
def order(cast: Cast, photo) -> WorkOrder:  # type: ignore[no-untyped-def]
    """A resident's order, with a photo, of a category volunteers and departments take; the
    cast's volunteer is near it and skilled in it."""
    category = CategoryFactory(name="占道堆物", responder_kinds=["volunteer", "department"])
    lng, lat = centre(cast.tree["grid1a"])
    made = create_order(
        source="resident", category=category, description="楼道口堆满杂物，消防通道被堵",
        lng=lng, lat=lat, reporter=cast.resident, address="九州路 18 号 3 栋",
        photos=[photo.read_bytes()],
    )  # fmt: skip
    near_lng, near_lat = east_of(made, 350)
    profile = ResponderProfile.objects.create(
        user=cast.volunteer, kind=ResponderKind.VOLUNTEER, lng=near_lng, lat=near_lat
    )
    profile.skills.add(category)
    return made


def switch_to(page: Page, base_url: str, phone: str) -> None:
    page.context.clear_cookies()
    log_in(page, base_url, phone)


def test_grid_worker_files_dispatches_from_recommendations_then_checks_and_closes(
    page: Page, live_server, cast: Cast, order: WorkOrder, photo
) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    only_local(page, live_server.url)
    log_in(page, live_server.url, cast.grid_worker.phone)

    # Home is the queue; the new order waits to be filed.
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    tabs = page.get_by_role("navigation", name="工单分类")
    tabs.get_by_role("link", name="待立案").click()
    card = page.get_by_role("article", name="占道堆物")
    expect(card.get_by_text("楼道口堆满杂物")).to_be_visible()
    card.get_by_role("button", name="立案", exact=True).click()
    expect(page.get_by_text(f"工单 {order.number} 已立案。")).to_be_visible()

    tabs.get_by_role("link", name="待派单").click()
    page.get_by_role("article", name="占道堆物").get_by_role(
        "link", name="派单", exact=True
    ).click()
    expect(page.get_by_role("heading", name="派单", level=1)).to_be_visible()
    people = page.get_by_role("region", name="推荐人员")
    expect(people.get_by_text("擅长该类问题 · 距离 350 米 · 当前无在办 · 暂无评价")).to_be_visible()
    page.get_by_label("给承办人的说明").fill("请今天处理")
    people.get_by_role("button", name="派单给志愿者钱").click()
    expect(page.get_by_text(f"工单 {order.number} 已派给志愿者钱。")).to_be_visible()
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()

    # The volunteer accepts and handles it with a photo on the order page.
    switch_to(page, live_server.url, cast.volunteer.phone)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_role("button", name="接单").click()
    expect(page.get_by_text("已接单，办完后请处置反馈。")).to_be_visible()
    handle = page.locator("#act-handle")
    handle.get_by_label("处置情况").fill("已联系物业清走杂物，通道恢复畅通")
    handle.locator("input[type=file]").set_input_files(photo)
    handle.get_by_role("button", name="处置反馈").click()
    expect(page.get_by_text("处置结果已提交，等待核查。")).to_be_visible()

    # Back to the grid worker: the result waits for the check, with its photo.
    switch_to(page, live_server.url, cast.grid_worker.phone)
    tabs.get_by_role("link", name="待核查").click()
    card = page.get_by_role("article", name="占道堆物")
    expect(card.get_by_text("已联系物业清走杂物，通道恢复畅通")).to_be_visible()
    expect(card.get_by_role("img", name="结果照片")).to_be_visible()
    card.get_by_role("button", name="核查通过，结案").click()
    expect(page.get_by_text(f"工单 {order.number} 已核查结案。")).to_be_visible()
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    assert order.assignee == cast.volunteer and order.deadline_at is not None


def test_a_returned_order_is_dispatched_again_to_a_unit(
    page: Page, live_server, cast: Cast, order: WorkOrder
) -> None:  # type: ignore[no-untyped-def]
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    page.set_viewport_size(PHONE)
    only_local(page, live_server.url)

    # The volunteer returns it on the order page, with the reason.
    log_in(page, live_server.url, cast.volunteer.phone)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    back = page.locator("#act-return")
    back.locator("summary").click()
    back.get_by_label("原因").fill("需要清运车辆，志愿者无法处理")
    back.get_by_role("button", name="退单").click()
    expect(page.get_by_text("退单申请已提交，等待审批。")).to_be_visible()

    switch_to(page, live_server.url, cast.grid_worker.phone)
    page.get_by_role("navigation", name="工单分类").get_by_role("link", name="待派单").click()
    card = page.get_by_role("article", name="占道堆物")
    expect(card.get_by_text("需要清运车辆，志愿者无法处理")).to_be_visible()
    card.get_by_role("link", name="重新派单", exact=True).click()
    expect(page.get_by_text("重新派单即视为同意退单。")).to_be_visible()
    expect(page.get_by_role("button", name="派单给志愿者钱")).to_have_count(0)
    units = page.get_by_role("region", name="承办单位")
    units.get_by_role("button", name="派单给淇滨区市政管理处").click()
    expect(page.get_by_text(f"工单 {order.number} 已派给淇滨区市政管理处。")).to_be_visible()
    order.refresh_from_db()
    assert order.state == OrderState.DISPATCHED and order.assignee_unit == cast.unit
    assert order.return_count == 1


def test_a_result_that_fails_the_check_goes_back_for_rework(
    page: Page, live_server, cast: Cast, order: WorkOrder
) -> None:  # type: ignore[no-untyped-def]
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已清理")
    page.set_viewport_size(PHONE)
    only_local(page, live_server.url)
    log_in(page, live_server.url, cast.grid_worker.phone)

    page.get_by_role("navigation", name="工单分类").get_by_role("link", name="待核查").click()
    card = page.get_by_role("article", name="占道堆物")
    card.locator("summary", has_text="返工").click()
    card.get_by_label("返工要求").fill("楼道口仍堆有纸箱，请彻底清理")
    card.get_by_role("button", name="返工", exact=True).click()
    expect(page.get_by_text("已退回返工。")).to_be_visible()
    order.refresh_from_db()
    assert order.state == OrderState.DISPATCHED and order.rework_count == 1
    assert order.assignee == cast.volunteer


def test_a_note_typed_before_looking_someone_up_is_kept(
    page: Page, live_server, cast: Cast, order: WorkOrder
) -> None:  # type: ignore[no-untyped-def]
    file_order(order=order, by=cast.grid_worker)
    page.set_viewport_size(PHONE)
    only_local(page, live_server.url)
    log_in(page, live_server.url, cast.grid_worker.phone)
    page.goto(f"{live_server.url}/orders/{order.pk}/dispatch/")
    page.get_by_label("给承办人的说明").fill("请先电话联系居民")
    page.get_by_role("searchbox", name="人员或单位名称").fill("张工")
    page.get_by_role("button", name="查找").click()
    found = page.get_by_role("region", name="查找其他人员或单位")
    expect(found.get_by_role("button", name="派单给市政张工")).to_be_visible()
    expect(page.get_by_label("给承办人的说明")).to_have_value("请先电话联系居民")
    found.get_by_role("button", name="派单给市政张工").click()
    expect(page.get_by_text(f"工单 {order.number} 已派给市政张工。")).to_be_visible()
    order.refresh_from_db()
    assert order.events.get(action="dispatch").note == "请先电话联系居民"
