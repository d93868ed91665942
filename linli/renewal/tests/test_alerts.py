"""The signed alert endpoint: signature, replay window, duplicates, and the work order an
alert becomes in the right grid and category."""

import json
import time
from datetime import date

import pytest

from linli.renewal.models import DeviceAlert
from linli.renewal.services import facilities
from linli.renewal.services.alerts import sign
from linli.territory.tests.factories import EstateFactory
from linli.workorders.models import WorkOrder
from linli.workorders.services.categories import load_categories_file

URL = "/api/v1/renewal/alerts"


@pytest.fixture
def facility(city_tree):
    grid = city_tree["grid2a"]
    estate = EstateFactory(grid=grid, lng=grid.centroid_lng, lat=grid.centroid_lat, name="朝阳小区")
    return facilities.register_facility(
        estate=estate,
        kind="anti_throwing",
        installed_on=date(2021, 10, 1),
        device_key="cy-throw-1",
        actor=None,
    )


@pytest.fixture
def categories(db):
    load_categories_file()


def post(client, facility, payload, *, secret=None, timestamp=None, body=None, key=None):
    raw = body if body is not None else json.dumps(payload, ensure_ascii=False).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "X-Linli-Device": key or facility.device_key,
        "X-Linli-Timestamp": ts,
        "X-Linli-Signature": sign(secret or facility.secret, ts, raw),
    }
    return client.post(URL, data=raw, content_type="application/json", headers=headers)


ALERT = {"alert_id": "a-1", "kind": "high_altitude_throw", "description": "3号楼东侧检测到坠物"}


def test_a_signed_alert_becomes_an_urgent_order_in_the_estates_grid(
    client, facility, categories, city_tree
):
    response = post(client, facility, ALERT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duplicate"] is False
    order = WorkOrder.objects.get(number=body["work_order"])
    assert order.source == "device"
    assert order.grid == city_tree["grid2a"]
    assert (order.category.kind, order.category.code) == ("component", "0603")
    assert order.urgent
    assert "朝阳小区" in order.description and "3号楼东侧检测到坠物" in order.description


def test_a_repeated_alert_id_is_answered_with_the_first_order(client, facility, categories):
    first = post(client, facility, ALERT).json()
    again = post(client, facility, ALERT)
    assert again.status_code == 200
    assert again.json() == {**first, "duplicate": True}
    assert WorkOrder.objects.count() == 1
    assert DeviceAlert.objects.count() == 1


def test_the_same_alert_id_from_another_device_is_a_new_alert(client, facility, categories):
    other = facilities.register_facility(
        estate=facility.estate, kind="access_control", installed_on=date(2021, 10, 1), actor=None
    )
    post(client, facility, ALERT)
    assert post(client, other, {**ALERT, "kind": "tailgating"}).status_code == 201
    assert WorkOrder.objects.count() == 2


def test_a_wrong_signature_is_refused_and_nothing_is_kept(client, facility, categories):
    response = post(client, facility, ALERT, secret="not-the-secret")
    assert response.status_code == 401
    assert not DeviceAlert.objects.exists() and not WorkOrder.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, facility, categories):
    ts = str(int(time.time()))
    signed = json.dumps(ALERT).encode()
    tampered = json.dumps({**ALERT, "kind": "fire"}).encode()
    headers = {
        "X-Linli-Device": facility.device_key,
        "X-Linli-Timestamp": ts,
        "X-Linli-Signature": sign(facility.secret, ts, signed),
    }
    response = client.post(URL, data=tampered, content_type="application/json", headers=headers)
    assert response.status_code == 401


# Well past the 300 s window: a loaded machine may take seconds to answer.
@pytest.mark.parametrize("offset", [-400, 400, -3600])
def test_a_timestamp_outside_the_window_is_refused(client, facility, categories, offset):
    response = post(client, facility, ALERT, timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert "window" in response.json()["detail"] or "时间" in response.json()["detail"]


def test_a_replayed_signature_with_a_new_timestamp_is_refused(client, facility, categories):
    """The timestamp is signed too: a captured post cannot be refreshed."""
    old = str(int(time.time()) - 1000)
    raw = json.dumps(ALERT).encode()
    headers = {
        "X-Linli-Device": facility.device_key,
        "X-Linli-Timestamp": str(int(time.time())),
        "X-Linli-Signature": sign(facility.secret, old, raw),
    }
    assert (
        client.post(URL, data=raw, content_type="application/json", headers=headers).status_code
        == 401
    )


def test_unknown_and_retired_devices_are_refused(client, facility, categories):
    assert post(client, facility, ALERT, key="no-such-device").status_code == 401
    facilities.update_facility(
        facility=facility,
        installed_on=facility.installed_on,
        device_count=1,
        is_active=False,
        actor=None,
    )
    assert post(client, facility, ALERT).status_code == 401


def test_the_old_secret_stops_working_when_a_new_one_is_made(client, facility, categories):
    old = facility.secret
    facilities.rotate_secret(facility=facility, actor=None)
    facility.refresh_from_db()
    assert post(client, facility, ALERT, secret=old).status_code == 401
    assert post(client, facility, ALERT).status_code == 201


@pytest.mark.parametrize(
    "body,status",
    [
        (b"{not json", 400),
        (json.dumps({"kind": "fire"}).encode(), 422),
        (json.dumps({**ALERT, "kind": "alien"}).encode(), 422),
    ],
)
def test_bad_bodies_get_a_clear_answer(client, facility, categories, body, status):
    response = post(client, facility, None, body=body)
    assert response.status_code == status
    assert response.json()["detail"]


def test_an_alert_is_kept_even_when_no_order_can_be_made(client, facility):
    """Without the category tree loaded the alert is still acknowledged and kept."""
    response = post(client, facility, ALERT)
    assert response.status_code == 201
    alert = DeviceAlert.objects.get()
    assert alert.work_order is None
    assert "0603" in alert.payload["_work_order_error"]


def test_a_device_fault_is_filed_under_the_devices_own_component(client, facility, categories):
    response = post(client, facility, {"alert_id": "f-1", "kind": "device_fault"})
    order = WorkOrder.objects.get(number=response.json()["work_order"])
    assert (order.category.code, order.urgent) == ("0603", False)


def test_an_order_raised_on_an_alley_is_kept_with_it(client, categories, city_tree, make_user):
    from django.urls import reverse

    from linli.accounts.models import Role
    from linli.renewal.models import AlleyWorkOrder
    from linli.renewal.services import alleys
    from linli.workorders.models import Category
    from linli.workorders.services.intake import create_order

    grid = city_tree["grid1a"]
    alley = alleys.create_alley(
        name="食字街", district=city_tree["district1"], cohort_year=2021, actor=None
    )
    category = Category.objects.get(kind="incident", code="0403")  # 店外经营
    order = create_order(
        source="patrol",
        category=category,
        description="店外经营占道",
        lng=grid.centroid_lng,
        lat=grid.centroid_lat,
        reporter=None,
    )
    client.force_login(make_user(Role.PROGRAMME_STAFF, city_tree["district1"]))
    client.post(reverse("renewal:alley_link_order", args=[alley.pk]), {"number": order.number})
    assert AlleyWorkOrder.objects.get().work_order == order
    page = client.get(reverse("renewal:alley", args=[alley.pk])).content.decode()
    assert order.number in page
    other = alleys.create_alley(
        name="走马塘巷", district=city_tree["district2"], cohort_year=2021, actor=None
    )
    client.force_login(make_user(Role.PROGRAMME_STAFF, city_tree["city"]))
    client.post(reverse("renewal:alley_link_order", args=[other.pk]), {"number": order.number})
    assert AlleyWorkOrder.objects.count() == 1  # an order of another district is refused
