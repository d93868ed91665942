"""Orders through the API: creating (JSON, multipart with photos, idempotent retries, bad
input named), listing with filters and cursor pages, one order with its history, and the
same permissions and masking as the order pages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.api.tests.api_setup import *  # noqa: F403
from linli.api.tests.api_setup import jpeg_bytes
from linli.lib.geo import wgs84_to_gcj02
from linli.workorders.models import OrderState, Source, WorkOrder
from linli.workorders.services import cancel_order, dispatch_order, file_order, remind_order
from linli.workorders.tests.conftest import centre

pytestmark = pytest.mark.django_db


def new_order(cast, category, **extra):
    lng, lat = centre(cast.tree["grid1a"])
    return {
        "category": category.pk,
        "description": "单元门禁坏了，进出不便",
        "lng": lng,
        "lat": lat,
        "address": "幸福小区 3 号楼",
        **extra,
    }


def test_a_resident_app_creates_an_order_in_the_grid_of_the_point(cast, incident_category, as_user):
    answer = as_user(cast.resident).post("/orders", new_order(cast, incident_category))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    order = WorkOrder.objects.get(pk=body["id"])
    assert body["number"] == order.number and body["state"] == "reported"
    assert body["grid"]["code"] == cast.tree["grid1a"].code
    assert order.source == Source.APP and order.requester == cast.resident
    assert [e["action"] for e in body["events"]] == ["report"]


def test_gcj02_points_are_converted(cast, incident_category, as_user):
    lng, lat = centre(cast.tree["grid1a"])
    glng, glat = wgs84_to_gcj02(lng, lat)
    answer = as_user(cast.resident).post(
        "/orders", new_order(cast, incident_category, lng=glng, lat=glat, crs="gcj02")
    )
    assert answer.status_code == 201
    assert answer.json()["grid"]["code"] == cast.tree["grid1a"].code


def test_a_retry_with_the_same_client_token_returns_the_first_order(
    cast, incident_category, as_user
):
    api = as_user(cast.resident)
    data = new_order(cast, incident_category, client_token="retry-7f3a")
    first = api.post("/orders", data)
    again = api.post("/orders", data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert WorkOrder.objects.filter(client_token="retry-7f3a").count() == 1


def test_multipart_with_photos_stores_cleaned_photos(cast, incident_category, as_user, media_root):
    data = new_order(cast, incident_category, urgent="true")
    data["photos"] = [
        SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
        SimpleUploadedFile("b.jpg", jpeg_bytes(color="blue"), content_type="image/jpeg"),
    ]
    answer = as_user(cast.resident).post("/orders", data, multipart=True)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["urgent"] is True
    photos = body["events"][0]["photos"]
    assert len(photos) == 2
    assert photos[0]["url"].startswith("http") and photos[0]["content_type"] == "image/jpeg"


def test_a_file_that_is_not_a_photo_is_named(cast, incident_category, as_user, media_root):
    data = new_order(cast, incident_category)
    data["photos"] = [
        SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    ]
    answer = as_user(cast.resident).post("/orders", data, multipart=True)
    assert answer.status_code == 422
    assert answer.json()["field"] == "photos"
    assert not WorkOrder.objects.exists()


def test_seven_photos_are_too_many(cast, incident_category, as_user, media_root):
    data = new_order(cast, incident_category)
    data["photos"] = [
        SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(7)
    ]
    answer = as_user(cast.resident).post("/orders", data, multipart=True)
    assert answer.status_code == 422 and answer.json()["field"] == "photos"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": 999999}, "category"),
        ({"description": ""}, "description"),
        ({"description": "长" * 2001}, "description"),
        ({"lng": 200}, "lng"),
        ({"lng": 10.0, "lat": 10.0}, "location"),
        ({"crs": "bd09"}, "crs"),
        ({"source": "patrol"}, "source"),
        ({"client_token": "x" * 65}, "client_token"),
    ],
)
def test_bad_input_is_named_in_chinese(cast, incident_category, as_user, change, field):
    answer = as_user(cast.resident).post(
        "/orders", {**new_order(cast, incident_category), **change}
    )
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["code"] == "validation_error" and body["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_a_grid_worker_reports_on_patrol(cast, incident_category, as_user):
    answer = as_user(cast.grid_worker).post(
        "/orders", new_order(cast, incident_category, source="patrol")
    )
    assert answer.status_code == 201
    assert WorkOrder.objects.get(pk=answer.json()["id"]).source == Source.PATROL


def test_a_grid_worker_cannot_read_another_grids_order(cast, make_order, as_user):
    order = make_order()
    assert as_user(cast.grid_worker).get(f"/orders/{order.pk}").status_code == 200
    refused = as_user(cast.other_grid_worker).get(f"/orders/{order.pk}")
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    listed = as_user(cast.other_grid_worker).get("/orders").json()["items"]
    assert order.pk not in [o["id"] for o in listed]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("resident", True),  # the requester
        ("neighbour", False),
        ("grid_worker", True),
        ("other_grid_worker", False),
        ("grid_leader", True),
        ("dispatcher", True),
        ("other_dispatcher", False),
        ("leader", True),
        ("admin", True),
        ("volunteer", False),
    ],
)
def test_who_sees_an_order_is_who_sees_its_page(cast, make_order, as_user, client, who, sees):
    order = make_order()
    person = getattr(cast, who)
    api = as_user(person).get(f"/orders/{order.pk}").status_code
    client.force_login(person)
    page = client.get(f"/orders/{order.pk}/").status_code
    assert (api == 200, page == 200) == (sees, sees)


def test_phones_are_masked_and_names_too_except_for_the_requester(cast, make_order, as_user):
    order = make_order()
    staff = as_user(cast.grid_worker).get(f"/orders/{order.pk}").json()
    assert staff["requester_phone"] == order.requester_phone_masked != order.requester_phone
    assert "*" in staff["requester_name"]
    own = as_user(cast.resident).get(f"/orders/{order.pk}").json()
    assert own["requester_name"] == "王小红"
    assert "*" in own["requester_phone"]
    assert staff["events"][0]["actor"] == "王*红"
    assert cast.resident.phone not in str(staff)


def test_the_detail_has_the_history_with_actor_action_states_time_and_note(
    cast, make_order, as_user
):
    order = make_order()
    file_order(order=order, by=cast.grid_worker, note="属实")
    events = as_user(cast.grid_worker).get(f"/orders/{order.pk}").json()["events"]
    assert [e["action"] for e in events] == ["report", "file"]
    step = events[1]
    assert step["actor"] == "网格员刘"
    assert (step["from_state"], step["to_state"], step["note"]) == ("reported", "filed", "属实")
    assert step["at"]


def test_the_list_filters_by_state_region_category_source_and_date(
    cast, make_order, as_user, incident_category
):
    first, second = make_order(), make_order()
    file_order(order=second, by=cast.grid_worker)
    api = as_user(cast.dispatcher)

    def ids(**params):
        answer = api.get("/orders", data=params)
        assert answer.status_code == 200, answer.content
        return {o["id"] for o in answer.json()["items"]}

    assert ids() == {first.pk, second.pk}
    assert ids(state="filed") == {second.pk}
    assert ids(region=cast.tree["grid1a"].code) == {first.pk, second.pk}
    assert ids(region=cast.tree["grid1b"].code) == set()
    assert ids(category=incident_category.parent_id) == {first.pk, second.pk}
    assert ids(source="resident") == {first.pk, second.pk}
    assert ids(source="hotline") == set()
    today = timezone.localdate()
    assert ids(start=today.isoformat(), end=today.isoformat()) == {first.pk, second.pk}
    assert ids(end=(today - timedelta(days=1)).isoformat()) == set()
    assert ids(mine="requested") == set()
    assert ids(overdue="true") == set()
    assert ids(overdue="false") == {first.pk, second.pk}


def test_the_list_filters_overdue_and_what_is_mine(cast, make_order, as_user):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    WorkOrder.objects.filter(pk=order.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    assert [
        o["id"] for o in as_user(cast.dispatcher).get("/orders?overdue=true").json()["items"]
    ] == [order.pk]
    assert [
        o["id"] for o in as_user(cast.volunteer).get("/orders?mine=assigned").json()["items"]
    ] == [order.pk]
    assert [
        o["id"] for o in as_user(cast.resident).get("/orders?mine=requested").json()["items"]
    ] == [order.pk]


def test_bad_filters_are_named(cast, as_user):
    api = as_user(cast.dispatcher)
    for query, field in [
        ("state=nonsense", "state"),
        ("region=000", "region"),
        ("start=2026-02-30", "start"),
        ("start=2026-03-02&end=2026-03-01", "start"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("cursor=abc", "cursor"),
        ("overdue=maybe", "overdue"),
    ]:
        answer = api.get(f"/orders?{query}")
        assert answer.status_code == 422, query
        assert answer.json()["field"] == field, query


def test_cursor_pages_cover_every_order_once_newest_first(cast, make_order, as_user):
    made = [make_order(client_token=f"t{i}").pk for i in range(7)]
    api = as_user(cast.dispatcher)
    seen, cursor = [], None
    for _ in range(10):
        answer = api.get("/orders", data={"limit": 3, **({"cursor": cursor} if cursor else {})})
        page = answer.json()
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(made, reverse=True)
    oldest = api.get("/orders", data={"limit": 3, "ordering": "created_at"}).json()
    assert [o["id"] for o in oldest["items"]] == made[:3]
    # A cursor belongs to its ordering.
    mixed = api.get("/orders", data={"ordering": "created_at", "cursor": page_cursor(api)})
    assert mixed.status_code == 422


def page_cursor(api):
    return api.get("/orders", data={"limit": 1}).json()["next_cursor"]


def test_a_page_of_orders_costs_a_fixed_number_of_queries(
    cast, make_order, as_user, django_assert_max_num_queries
):
    for i in range(12):
        make_order(client_token=f"q{i}")
    api = as_user(cast.dispatcher)
    api.get("/orders")  # the first request also touches the token
    with django_assert_max_num_queries(12):
        answer = api.get("/orders", data={"limit": 12})
    assert len(answer.json()["items"]) == 12


def test_the_requester_cancels_through_the_api_and_the_list_says_so(cast, make_order, as_user):
    order = make_order()
    cancel_order(order=order, by=cast.resident)
    items = as_user(cast.resident).get("/orders").json()["items"]
    assert items[0]["state"] == OrderState.CANCELLED


def test_an_order_with_a_long_history_costs_a_fixed_number_of_queries(
    cast, make_order, as_user, django_assert_max_num_queries
):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    api = as_user(cast.grid_worker)
    api.get(f"/orders/{order.pk}")
    with django_assert_max_num_queries(16) as few:
        api.get(f"/orders/{order.pk}")
    for i in range(5):
        remind_order(order=order, by=cast.resident, note=f"第{i}次催办")
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = api.get(f"/orders/{order.pk}")
    assert len(answer.json()["events"]) == 8
