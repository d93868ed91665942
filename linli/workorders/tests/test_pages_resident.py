"""Resident pages over HTTP: 我要报事 (submit, idempotent resubmission, bad input named in
Chinese, the place check and "me too"), 我的工单, rating and reopening, and what residents
may not see or do."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from linli.lib.geo import wgs84_to_gcj02
from linli.workorders.models import OrderState, OrderSupport, WorkOrder
from linli.workorders.services import (
    accept_order,
    close_order,
    dispatch_order,
    handle_order,
    rate_order,
)
from linli.workorders.tests.conftest import centre
from linli.workorders.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

NEW = reverse("workorders:new")
NEARBY = reverse("workorders:nearby")
MINE = reverse("workorders:my_orders")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def submission(cast, kind, **overrides):
    lng, lat = centre(cast.tree["grid1a"])
    data = {
        "category": kind.pk,
        "description": "楼道里的灯坏了一个星期",
        "lng": f"{lng:.7f}",
        "lat": f"{lat:.7f}",
        "crs": "wgs84",
        "address": "幸福小区 3 号楼 2 单元",
        "client_token": "token-1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def resident_client(client, cast):
    client.force_login(cast.resident)
    return client


def test_the_submit_page_offers_the_five_smalls_and_micro_help_first_with_icons(
    resident_client, service_category, incident_category
):
    response = resident_client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我要报事" in html
    assert html.index(service_category.name) < html.index(incident_category.name)
    assert 'name="client_token"' in html
    assert 'accept="image/*"' in html


def test_each_rendering_of_the_form_carries_a_new_client_token(resident_client):
    first = resident_client.get(NEW).context["form"].initial["client_token"]
    second = resident_client.get(NEW).context["form"].initial["client_token"]
    assert first and second and first != second


def test_a_resident_submits_an_order_with_a_photo_and_lands_on_its_page(
    resident_client, cast, incident_category
):
    data = submission(cast, incident_category, photos=png(), name_public="on", urgent="on")
    response = resident_client.post(NEW, data)
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:detail", args=[order.pk])
    assert (order.requester, order.reporter) == (cast.resident, cast.resident)
    assert order.grid_id == cast.tree["grid1a"].pk
    assert order.name_public and order.urgent
    assert order.photos.count() == 1
    page = resident_client.get(response["Location"])
    assert order.number in page.content.decode()


def test_resubmitting_the_same_form_creates_one_order(resident_client, cast, incident_category):
    first = resident_client.post(NEW, submission(cast, incident_category))
    again = resident_client.post(NEW, submission(cast, incident_category))
    assert WorkOrder.objects.count() == 1
    assert first["Location"] == again["Location"]
    resident_client.post(NEW, submission(cast, incident_category, client_token="token-2"))
    assert WorkOrder.objects.count() == 2


def test_a_gcj02_tap_on_the_map_is_converted_to_the_grid_it_falls_in(
    resident_client, cast, incident_category
):
    lng, lat = centre(cast.tree["grid1a"])
    glng, glat = wgs84_to_gcj02(lng, lat)
    data = submission(cast, incident_category, lng=f"{glng:.7f}", lat=f"{glat:.7f}", crs="gcj02")
    assert resident_client.post(NEW, data).status_code == 302
    order = WorkOrder.objects.get()
    assert order.grid_id == cast.tree["grid1a"].pk
    assert order.lng == pytest.approx(lng, abs=1e-6)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"category": None}, "类别："),
        ({"category": "999999"}, "类别："),
        ({"description": ""}, "描述："),
        ({"lng": None, "lat": None}, "地点："),
        ({"lng": "116.4", "lat": "39.9"}, "最近的网格是"),
        ({"lng": "-0.12", "lat": "51.5"}, "不在中国"),
    ],
)
def test_bad_input_gets_a_chinese_message_naming_the_field(
    resident_client, cast, incident_category, overrides, expected
):
    response = resident_client.post(NEW, submission(cast, incident_category, **overrides))
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_point_outside_every_grid_names_the_nearest_grid(
    resident_client, cast, incident_category
):
    grid = cast.tree["grid1a"]
    lng, lat = centre(grid)
    data = submission(cast, incident_category, lng=f"{lng:.7f}", lat=f"{lat - 0.01:.7f}")
    html = resident_client.post(NEW, data).content.decode()
    assert "不在本市任何网格内" in html
    assert "朝阳社区" in html


def test_more_than_six_photos_are_refused(resident_client, cast, incident_category):
    photos = [png(f"p{i}.png") for i in range(7)]
    response = resident_client.post(NEW, submission(cast, incident_category, photos=photos))
    assert response.status_code == 400
    assert "照片：最多 6 张" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_each_bad_photo_is_named_even_a_text_file_called_jpg(
    resident_client, cast, incident_category
):
    fake = SimpleUploadedFile("门口.jpg", b"just some text, not a photo", content_type="image/jpeg")
    also = SimpleUploadedFile("readme.jpg", b"more text", content_type="image/jpeg")
    data = submission(cast, incident_category, photos=[png(), fake, also])
    html = resident_client.post(NEW, data).content.decode()
    assert "门口.jpg" in html and "readme.jpg" in html
    assert "不是" in html
    assert not WorkOrder.objects.exists()


def test_the_place_check_names_the_grid_and_offers_open_orders_of_the_same_kind_nearby(
    resident_client, cast, make_order, incident_category
):
    other = make_order(reporter=cast.neighbour, description="路灯不亮了")
    make_order(reporter=cast.neighbour, category=CategoryFactory(), description="别的类别")
    lng, lat = centre(cast.tree["grid1a"])
    response = resident_client.get(
        NEARBY, {"lng": lng, "lat": lat, "crs": "wgs84", "category": incident_category.pk}
    )
    html = response.content.decode()
    assert cast.tree["grid1a"].name in html
    assert "路灯不亮了" in html and "别的类别" not in html
    assert reverse("workorders:support", args=[other.pk]) in html
    assert "我也遇到了" in html
    assert "found-grid" in html  # the grid's outline for the map


def test_the_place_check_explains_a_point_outside_every_grid(resident_client, cast):
    response = resident_client.get(NEARBY, {"lng": 116.4, "lat": 39.9, "crs": "wgs84"})
    assert "最近的网格是" in response.content.decode()


def test_the_place_check_without_a_place_says_nothing(resident_client):
    response = resident_client.get(NEARBY, {"category": ""})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_me_too_supports_the_open_order_instead_of_creating_another(
    resident_client, cast, make_order
):
    other = make_order(reporter=cast.neighbour)
    response = resident_client.post(reverse("workorders:support", args=[other.pk]))
    assert response["Location"] == reverse("workorders:detail", args=[other.pk])
    assert WorkOrder.objects.count() == 1
    assert OrderSupport.objects.filter(order=other, user=cast.resident).exists()
    other.refresh_from_db()
    assert other.supporters_count == 1
    # The supporter may now follow it.
    assert resident_client.get(response["Location"]).status_code == 200


def test_a_resident_cannot_support_their_own_order(resident_client, make_order):
    mine = make_order()
    assert resident_client.post(reverse("workorders:support", args=[mine.pk])).status_code == 404


def test_my_orders_lists_own_and_joined_orders_but_not_others(
    resident_client, cast, make_order, django_assert_max_num_queries
):
    for i in range(12):
        make_order(description=f"我的第{i}个工单")
    joined = make_order(reporter=cast.neighbour, description="邻居报的工单")
    make_order(reporter=cast.neighbour, description="与我无关的工单")
    OrderSupport.objects.create(order=joined, user=cast.resident)
    with django_assert_max_num_queries(10):
        response = resident_client.get(MINE)
    html = response.content.decode()
    assert "我的第11个工单" in html and "邻居报的工单" in html
    assert "与我无关的工单" not in html


def test_residents_land_on_my_orders(resident_client):
    response = resident_client.get("/")
    assert response["Location"] == MINE


def test_another_residents_order_is_404(client, cast, make_order):
    order = make_order()
    client.force_login(cast.neighbour)
    assert client.get(reverse("workorders:detail", args=[order.pk])).status_code == 404
    cancel = reverse("workorders:act", args=[order.pk, "cancel"])
    assert client.post(cancel).status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED


def test_the_order_page_shows_the_expected_completion_before_dispatch(resident_client, make_order):
    order = make_order()
    html = resident_client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "派单后 2 个工作日内" in html
    assert "撤销" in html  # the requester may cancel before dispatch


def _closed(make_order, cast):
    order = make_order()
    from linli.workorders.services import file_order

    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已更换灯泡", photos=[png().read()])
    close_order(order=order, by=cast.grid_worker)
    return order


def test_the_timeline_shows_every_step_with_who_and_photos(resident_client, cast, make_order):
    order = _closed(make_order, cast)
    html = resident_client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    for text in ("上报", "立案", "派单", "接单", "已更换灯泡", "核查结案", cast.volunteer.name):
        assert text in html
    assert "/thumbs/" in html
    assert "去评价" not in html and "评价" in html


def test_a_dissatisfied_requester_rates_then_reopens_once(resident_client, cast, make_order):
    order = _closed(make_order, cast)
    rate = reverse("workorders:act", args=[order.pk, "rate"])
    response = resident_client.post(
        rate, {"resolved": "no", "satisfaction": "dissatisfied", "note": "灯还是不亮"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.resolved, order.satisfaction) == (
        OrderState.RATED,
        False,
        "dissatisfied",
    )
    page = resident_client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "重办" in page
    resident_client.post(reverse("workorders:act", args=[order.pk, "reopen"]), {"note": "请再看看"})
    order.refresh_from_db()
    assert order.state == OrderState.FILED and order.reopened


def test_rating_without_a_satisfaction_names_the_field(resident_client, cast, make_order):
    order = _closed(make_order, cast)
    rate = reverse("workorders:act", args=[order.pk, "rate"])
    response = resident_client.post(rate, {"resolved": "yes"})
    assert response.status_code == 400
    assert "满意度：" in response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED


def test_a_satisfied_order_offers_no_reopen(resident_client, cast, make_order):
    order = _closed(make_order, cast)
    rate_order(order=order, by=cast.resident, resolved=True, satisfaction="satisfied")
    html = resident_client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "重办" not in html
    response = resident_client.post(reverse("workorders:act", args=[order.pk, "reopen"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.RATED
