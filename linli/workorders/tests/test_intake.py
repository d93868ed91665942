"""Taking in orders: grid placement, numbering, automatic filing, idempotency, photos,
duplicates nearby, and clear errors for bad input."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from PIL import Image

from linli.lib.geo import wgs84_to_gcj02
from linli.workorders.models import Action, OrderEvent, OrderState, Source, WorkOrder
from linli.workorders.queries import nearby_open_orders
from linli.workorders.tests.conftest import centre
from linli.workorders.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_order_is_placed_in_the_grid_holding_the_point_with_its_ancestors(make_order, cast):
    order = make_order()
    t = cast.tree
    assert order.grid_id == t["grid1a"].pk
    assert (order.district_id, order.subdistrict_id, order.community_id) == (
        t["district1"].pk,
        t["subdistrict1"].pk,
        t["community1"].pk,
    )
    assert order.region_path == t["grid1a"].path
    assert order.state == OrderState.REPORTED
    assert order.requester == cast.resident
    assert order.requester_phone == cast.resident.phone


def test_first_event_records_the_report(make_order, cast):
    order = make_order()
    (event,) = OrderEvent.objects.filter(order=order)
    assert (event.seq, event.action, event.from_state, event.to_state) == (
        1,
        Action.REPORT,
        "",
        OrderState.REPORTED,
    )
    assert event.actor == cast.resident


def test_order_numbers_count_up_per_local_day_and_restart_the_next_day(make_order):
    with time_machine.travel(datetime(2026, 11, 28, 23, 50, tzinfo=SHANGHAI), tick=False):
        first, second = make_order(), make_order()
    with time_machine.travel(datetime(2026, 11, 29, 0, 5, tzinfo=SHANGHAI), tick=False):
        third = make_order()
    assert (first.number, second.number, third.number) == (
        "2026112800001",
        "2026112800002",
        "2026112900001",
    )


def test_residents_micro_help_orders_are_filed_automatically(make_order, service_category):
    order = make_order(category=service_category)
    assert order.state == OrderState.FILED
    assert list(order.events.values_list("action", "actor")) == [
        (Action.REPORT, order.requester.pk),
        (Action.FILE, None),
    ]


def test_patrol_reports_are_not_filed_automatically(make_order, service_category, cast):
    order = make_order(category=service_category, source=Source.PATROL, reporter=cast.grid_worker)
    assert order.state == OrderState.REPORTED
    assert order.requester is None


def test_a_point_outside_every_grid_is_refused_naming_the_place(make_order):
    with pytest.raises(ValidationError) as error:
        make_order(lng=116.4, lat=39.9)
    assert "116.400000" in error.value.message_dict["location"][0]
    assert not WorkOrder.objects.exists()


def test_gcj02_points_from_map_sdks_are_converted_before_lookup(make_order, cast):
    lng, lat = centre(cast.tree["grid1a"])
    glng, glat = wgs84_to_gcj02(lng, lat)
    order = make_order(lng=glng, lat=glat, crs="gcj02")
    assert order.grid_id == cast.tree["grid1a"].pk
    assert order.lng == pytest.approx(lng, abs=1e-7)


def test_a_retried_request_with_the_same_client_token_returns_the_first_order(make_order):
    first = make_order(client_token="b9c1f6e0-retry")
    again = make_order(client_token="b9c1f6e0-retry", description="重复提交")
    assert again.pk == first.pk
    assert WorkOrder.objects.count() == 1
    assert make_order(client_token="another").pk != first.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "长" * 2001}, "description"),
        ({"source": "pigeon"}, "source"),
        ({"requester_phone": "12ab"}, "requester_phone"),
        ({"lng": float("nan")}, "location"),
        ({"lng": "east"}, "location"),
        ({"photos": [b"not an image"]}, "photos"),
        ({"photos": [b"x"] * 7}, "photos"),
    ],
)
def test_bad_input_is_refused_naming_the_field(make_order, overrides, field):
    with pytest.raises(ValidationError) as error:
        make_order(**overrides)
    assert field in error.value.message_dict
    assert not WorkOrder.objects.exists()


def test_an_order_cannot_be_filed_under_a_major_class(make_order, incident_category):
    with pytest.raises(ValidationError) as error:
        make_order(category=incident_category.parent)
    assert "category" in error.value.message_dict


def test_photos_are_cleaned_and_stored_with_thumbnails_on_the_report_step(
    make_order, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    order = make_order(photos=[png_bytes()])
    (photo,) = order.photos.all()
    assert photo.event.action == Action.REPORT
    assert photo.image.name.startswith("orders/")
    assert (tmp_path / photo.image.name).exists()
    assert (tmp_path / photo.thumbnail.name).exists()


def test_grid_workers_of_the_grid_are_told_about_a_new_order(make_order, cast):
    order = make_order()
    notes = cast.grid_worker.notifications.all()
    assert [n.url for n in notes] == [f"/orders/{order.pk}/"]
    assert order.number in notes[0].title
    assert not cast.other_grid_worker.notifications.exists()


def test_nearby_open_orders_of_the_same_category_are_offered_nearest_first(make_order, cast):
    lng, lat = centre(cast.tree["grid1a"])
    near = make_order(lng=lng + 0.0003, lat=lat)  # about 27 m east
    nearer = make_order(lng=lng, lat=lat + 0.0001)  # about 11 m north
    make_order(lng=lng + 0.003, lat=lat)  # about 270 m: too far
    make_order(category=CategoryFactory())  # same place, other category
    found = nearby_open_orders(near.category, lng, lat, radius_m=100)
    assert [n.order.pk for n in found] == [nearer.pk, near.pk]
    assert found[0].distance_m == pytest.approx(11.1, abs=0.5)


def test_grid_workers_are_told_where_an_order_without_an_address_is_by_its_grid(make_order, cast):
    """Not by raw coordinates: the message names the grid as people do (社区 + 网格)."""
    from linli.accounts.models import Notification

    order = make_order(address="")
    message = Notification.objects.get(user=cast.grid_worker)
    grid = cast.tree["grid1a"]
    assert order.number in message.title
    assert grid.name in message.body and f"{order.lng:.5f}" not in message.body
