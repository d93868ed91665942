"""Open311 GeoReport v2 conformance: every endpoint in both formats — content types and
the XML declaration, document shapes, filters and their defaults, the 90-day and 1,000
limits, error bodies, POST → GET round trips, multi-value attributes, the 4,000-character
description — and no personal data in what GET shows."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.api.open311.models import Open311Request
from linli.api.open311.services import DEMO_KEY, register_application
from linli.api.tests.open311_setup import BASE, City, open311_city, posted
from linli.workorders.models import OrderState, Source, WorkOrder
from linli.workorders.services import decline_order

__all__ = ["open311_city"]

pytestmark = pytest.mark.django_db
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
FORMATS = ["xml", "json"]


def get(client: Client, path: str, fmt: str, **params: Any) -> Any:
    return client.get(f"{BASE}/{path}.{fmt}", params)


def body(response: Any, fmt: str) -> Any:
    """The document: parsed JSON, or the XML root element after checking the declaration."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def items(document: Any, fmt: str) -> list[dict[str, str]]:
    """A list document as dicts of strings, whatever the format."""
    if fmt == "json":
        assert isinstance(document, list)
        return [dict(d) for d in document]
    return [{child.tag: (child.text or "") for child in item} for item in document]


def errors(response: Any, fmt: str, status: int) -> list[str]:
    assert response.status_code == status
    document = body(response, fmt)
    if fmt == "xml":
        assert document.tag == "errors"
        found = [(e.findtext("code"), e.findtext("description") or "") for e in document]
        assert all(code == str(status) for code, _ in found)
        return [d for _, d in found]
    assert isinstance(document, list) and document
    assert all(e["code"] == status for e in document)
    return [e["description"] for e in document]


def post(client: Client, fmt: str, data: dict[str, Any]) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_endpoint_with_both_formats(client: Client, fmt: str) -> None:
    document = body(get(client, "discovery", fmt), fmt)
    if fmt == "json":
        endpoint = document["endpoints"][0]
        assert W3C.match(document["changeset"]) and document["contact"]
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2"
        assert endpoint["type"] == "production"
    else:
        assert document.tag == "discovery" and document.findtext("key_service")
        endpoint = document.find("endpoints/endpoint")
        assert endpoint is not None
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "text/xml",
            "application/json",
        ]
        assert endpoint.findtext("url") == "http://testserver/open311/v2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_leaf_category_with_its_group(
    client: Client, open311_city: City, fmt: str
) -> None:
    response = get(client, "services", fmt)
    found = {s["service_code"]: s for s in items(body(response, fmt), fmt)}
    assert set(found) == {"incident-0404", "component-0110", "incident-0601", "service-5205"}
    parking = found["incident-0404"]
    assert parking["service_name"] == "机动车乱停放"
    assert parking["type"] == "realtime"
    assert parking["group"] == "街面秩序"
    assert "街面秩序" in parking["keywords"]
    assert parking["metadata"] in (True, "true")
    assert found["service-5205"]["metadata"] in (False, "false")
    if fmt == "xml":
        assert body(response, fmt).tag == "services"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_gives_attributes_with_their_values(
    client: Client, open311_city: City, fmt: str
) -> None:
    document = body(get(client, "services/incident-0404", fmt), fmt)
    if fmt == "xml":
        assert document.tag == "service_definition"
        assert document.findtext("service_code") == "incident-0404"
        first = document.find("attributes/attribute")
        assert first is not None
        assert first.findtext("code") == "blocking"
        assert first.findtext("variable") == "true"
        assert first.findtext("datatype") == "singlevaluelist"
        assert first.findtext("required") == "true"
        assert first.findtext("order") == "1"
        assert [v.findtext("key") for v in first.findall("values/value")] == [
            "sidewalk",
            "fire_lane",
        ]
        assert first.findtext("values/value/name") == "人行道"
    else:
        assert document["service_code"] == "incident-0404"
        blocking, plate = document["attributes"]
        assert blocking["values"] == [
            {"key": "sidewalk", "name": "人行道"},
            {"key": "fire_lane", "name": "消防通道"},
        ]
        assert (blocking["required"], plate["required"]) == (True, False)
        assert plate["datatype"] == "string" and plate["values"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_and_resource_are_404_error_documents(
    client: Client, open311_city: City, fmt: str
) -> None:
    assert "incident-9999" in errors(get(client, "services/incident-9999", fmt), fmt, 404)[0]
    errors(get(client, "requests/000", fmt), fmt, 404)
    errors(get(client, "tokens/nothing", fmt), fmt, 404)
    errors(get(client, "no-such-thing", fmt), fmt, 404)


def test_a_wrong_method_is_a_400_error_document(client: Client, open311_city: City) -> None:
    errors(client.put(f"{BASE}/requests.json"), "json", 400)
    errors(client.post(f"{BASE}/services.xml"), "xml", 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_is_optional_and_an_unknown_one_is_404(
    client: Client, open311_city: City, fmt: str
) -> None:
    assert get(client, "services", fmt, jurisdiction_id="hebi.linli").status_code == 200
    assert get(client, "services", fmt, jurisdiction_id="").status_code == 200
    assert "nyc" in errors(get(client, "services", fmt, jurisdiction_id="nyc"), fmt, 404)[0]
    data = posted(open311_city, jurisdiction_id="elsewhere")
    errors(post(client, fmt, data), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_or_with_a_bad_api_key_is_403(
    client: Client, open311_city: City, fmt: str
) -> None:
    errors(post(client, fmt, posted(open311_city, api_key=None)), fmt, 403)
    errors(post(client, fmt, posted(open311_city, api_key="guess")), fmt, 403)
    open311_city.app.is_active = False
    open311_city.app.save(update_fields=["is_active"])
    errors(post(client, fmt, posted(open311_city)), fmt, 403)
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_an_order_in_the_engine_and_get_reads_it_back(
    client: Client, open311_city: City, fmt: str
) -> None:
    response = post(client, fmt, posted(open311_city, account_id="acc-7"))
    assert response.status_code == 200
    (created,) = items(body(response, fmt), fmt)
    number = created["service_request_id"]
    assert isinstance(number, str) and created["token"]
    assert created["account_id"] == "acc-7"
    assert "工作日" in created["service_notice"]
    order = WorkOrder.objects.get(number=number)
    assert order.source == Source.APP
    assert order.grid == open311_city.tree["grid1a"]
    assert order.state == OrderState.REPORTED
    assert order.events.get().action == "report"
    assert "占用了哪里：人行道" in order.description

    (shown,) = items(body(get(client, f"requests/{number}", fmt), fmt), fmt)
    assert shown["service_request_id"] == number
    assert shown["status"] == "open"
    assert shown["service_code"] == "incident-0404"
    assert shown["service_name"] == "机动车乱停放"
    assert shown["description"] == "一辆白色轿车停在人行道上三天了"
    assert W3C.match(shown["requested_datetime"]) and W3C.match(shown["updated_datetime"])
    assert float(shown["lat"]) == pytest.approx(order.lat)
    assert float(shown["long"]) == pytest.approx(order.lng)
    assert shown["agency_responsible"] == open311_city.tree["subdistrict1"].name
    (listed,) = items(body(get(client, "requests", fmt), fmt), fmt)
    assert listed["service_request_id"] == number
    token = created["token"]
    (resolved,) = items(body(get(client, f"tokens/{token}", fmt), fmt), fmt)
    assert resolved == {"service_request_id": number, "token": token}


def test_hotline_applications_create_hotline_orders(client: Client, open311_city: City) -> None:
    _, key = register_application(name="12345 热线", source=Source.HOTLINE)
    response = post(client, "json", posted(open311_city, api_key=key))
    number = response.json()[0]["service_request_id"]
    assert WorkOrder.objects.get(number=number).source == Source.HOTLINE


@pytest.mark.parametrize("fmt", FORMATS)
def test_multi_value_attributes_are_kept_as_lists(
    client: Client, open311_city: City, fmt: str
) -> None:
    form = posted(open311_city, service_code="component-0110")
    del form["attribute[blocking]"]
    form["attribute[fault][]"] = ["dark", "leaning"]
    response = post(client, fmt, form)
    assert response.status_code == 200
    record = Open311Request.objects.get()
    assert record.attributes == {"fault": ["dark", "leaning"]}
    assert "什么问题：不亮、灯杆倾斜" in record.order.description


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"attribute[blocking]": None}, "attribute[blocking]"),
        ({"attribute[blocking]": "roof"}, "attribute[blocking]"),
        ({"service_code": None}, "service_code"),
        ({"service_code": "incident-9999"}, "service_code"),
        ({"lat": None, "long": None}, "lat"),
        ({"long": None}, "lat"),
        ({"lat": "north"}, "lat"),
        ({"lat": "0", "long": "0"}, "lat"),  # not in China
        ({"lat": "36.0", "long": "114.0"}, "lat"),  # in China, in no grid of this city
        ({"email": "not-an-address"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"media_url": "ftp://example.org/a.jpg"}, "media_url"),
        ({"description": "多" * 4001}, "description"),
    ],
)
def test_bad_posts_are_400_naming_the_parameter_and_create_nothing(
    client: Client, open311_city: City, change: dict[str, Any], parameter: str
) -> None:
    for fmt in FORMATS:
        problems = errors(post(client, fmt, posted(open311_city, **change)), fmt, 400)
        assert any(parameter in p for p in problems), problems
    assert not WorkOrder.objects.exists()
    assert not Open311Request.objects.exists()


def test_number_and_datetime_attributes_are_checked(client: Client, open311_city: City) -> None:
    form = posted(open311_city, service_code="incident-0601")
    form.update({"attribute[nights]": "many"})
    assert "attribute[nights]" in errors(post(client, "json", form), "json", 400)[0]
    form.update({"attribute[nights]": "3", "attribute[since]": "2026-05-01T22:00:00Z"})
    assert post(client, "json", form).status_code == 200
    assert Open311Request.objects.get().attributes == {
        "nights": 3.0,
        "since": "2026-05-02T06:00:00+08:00",
    }


def test_a_description_of_4000_characters_is_taken_whole(
    client: Client, open311_city: City
) -> None:
    text = "路" * 4000
    response = post(client, "json", posted(open311_city, description=text))
    assert response.status_code == 200
    number = response.json()[0]["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert len(order.description) == 2000 and order.description.endswith("…")
    shown = get(client, f"requests/{number}", "json").json()[0]
    assert shown["description"] == text


def test_address_id_places_the_request_at_the_estate(client: Client, open311_city: City) -> None:
    form = posted(open311_city, lat=None, long=None, address_id="E-ZY-01")
    response = post(client, "json", form)
    assert response.status_code == 200
    number = response.json()[0]["service_request_id"]
    assert WorkOrder.objects.get(number=number).grid == open311_city.tree["grid1a"]
    assert get(client, f"requests/{number}", "json").json()[0]["address_id"] == "E-ZY-01"
    form = posted(open311_city, lat=None, long=None, address_string="朝阳小区")
    assert post(client, "json", form).status_code == 200


def test_an_address_that_cannot_be_placed_is_400(client: Client, open311_city: City) -> None:
    form = posted(open311_city, lat=None, long=None, address_id="nowhere")
    assert "address_id" in errors(post(client, "json", form), "json", 400)[0]
    form = posted(open311_city, lat=None, long=None, address_string="某某路 99 号")
    assert "address_string" in errors(post(client, "xml", form), "xml", 400)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_shows_no_personal_data(client: Client, open311_city: City, fmt: str) -> None:
    form = posted(
        open311_city,
        first_name="小红",
        last_name="王",
        phone="13812345678",
        email="wang@example.org",
        device_id="device-1",
        description="请联系我 13987654321",
    )
    number = post(client, "json", form).json()[0]["service_request_id"]
    assert WorkOrder.objects.get(number=number).requester_phone == "13812345678"
    for path in ("requests", f"requests/{number}"):
        text = get(client, path, fmt).content.decode()
        for secret in ("13812345678", "13987654321", "王小红", "wang@example.org", "device-1"):
            assert secret not in text
        assert "139****4321" in text


def test_empty_parameters_count_as_absent(client: Client, open311_city: City) -> None:
    open311_city.order()
    response = get(
        client,
        "requests",
        "json",
        service_request_id="",
        service_code="",
        start_date="",
        end_date="",
        status="",
        page="",
        page_size="",
        jurisdiction_id="",
        api_key="",
    )
    assert len(response.json()) == 1


def _age(order: WorkOrder, days: int) -> None:
    WorkOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days))


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_default_to_the_last_90_days(client: Client, open311_city: City, fmt: str) -> None:
    recent, old = open311_city.order(), open311_city.order()
    _age(old, 100)
    listed = items(body(get(client, "requests", fmt), fmt), fmt)
    assert [r["service_request_id"] for r in listed] == [recent.number]
    start = (timezone.now() - timedelta(days=120)).isoformat()
    end = (timezone.now() - timedelta(days=60)).isoformat()
    listed = items(body(get(client, "requests", fmt, start_date=start, end_date=end), fmt), fmt)
    assert [r["service_request_id"] for r in listed] == [old.number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_range_over_90_days_or_a_bad_date_is_400(
    client: Client, open311_city: City, fmt: str
) -> None:
    start = (timezone.now() - timedelta(days=91)).isoformat()
    end = timezone.now().isoformat()
    assert "90" in errors(get(client, "requests", fmt, start_date=start, end_date=end), fmt, 400)[0]
    errors(get(client, "requests", fmt, start_date="yesterday"), fmt, 400)
    errors(get(client, "requests", fmt, status="pending"), fmt, 400)
    errors(get(client, "requests", fmt, page="0"), fmt, 400)


def test_service_request_id_overrides_every_other_filter(
    client: Client, open311_city: City
) -> None:
    old, other = open311_city.order(), open311_city.order(category=open311_city.lamp)
    _age(old, 400)
    response = get(
        client,
        "requests",
        "json",
        service_request_id=f"{old.number}, {other.number}",
        service_code="incident-0601",
        status="closed",
    )
    assert {r["service_request_id"] for r in response.json()} == {old.number, other.number}


def test_requests_filter_by_service_code_and_status(
    client: Client, open311_city: City, make_user: Any
) -> None:
    parked, lamp = open311_city.order(), open311_city.order(category=open311_city.lamp)
    closed = open311_city.order()
    worker = make_user(Role.GRID_WORKER, open311_city.tree["grid1a"])
    decline_order(order=closed, by=worker, note="不属于受理范围")

    def numbers(**params: Any) -> set[str]:
        return {r["service_request_id"] for r in get(client, "requests", "json", **params).json()}

    assert numbers(service_code="component-0110") == {lamp.number}
    assert numbers(service_code="component-0110,incident-0404") == {
        parked.number,
        lamp.number,
        closed.number,
    }
    assert numbers(status="closed") == {closed.number}
    assert numbers(status="open") == {parked.number, lamp.number}
    assert numbers(status="open,closed") == {parked.number, lamp.number, closed.number}
    shown = get(client, f"requests/{closed.number}", "xml")
    assert b"<status>closed</status>" in shown.content


def _bulk_orders(city: City, count: int) -> None:
    template = city.order()
    now = timezone.now()
    fields = {
        f.attname: getattr(template, f.attname)
        for f in WorkOrder._meta.concrete_fields
        if f.attname not in ("id", "number", "created_at")
    }
    WorkOrder.objects.bulk_create(
        WorkOrder(**fields, number=f"B{i:07d}", created_at=now - timedelta(seconds=i))
        for i in range(count)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_at_most_1000_requests_and_pages_for_the_rest(
    client: Client, open311_city: City, fmt: str
) -> None:
    _bulk_orders(open311_city, 1004)  # 1,005 with the template order
    assert len(items(body(get(client, "requests", fmt), fmt), fmt)) == 1000
    assert len(items(body(get(client, "requests", fmt, page_size=5000), fmt), fmt)) == 1000
    second = items(body(get(client, "requests", fmt, page="2"), fmt), fmt)
    assert len(second) == 5
    page = items(body(get(client, "requests", fmt, page="3", page_size="10"), fmt), fmt)
    assert [r["service_request_id"] for r in page] == [f"B{i:07d}" for i in range(19, 29)]


def test_listing_takes_a_fixed_number_of_queries(
    client: Client, open311_city: City, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        post(client, "json", posted(open311_city))
    with django_assert_max_num_queries(9):  # the rate-limit counters, the page, its photos
        assert len(get(client, "requests", "json").json()) == 5


def test_resident_services_are_shown_only_to_the_application_that_posted_them(
    client: Client, open311_city: City
) -> None:
    form = posted(open311_city, service_code="service-5205")
    del form["attribute[blocking]"]
    number = post(client, "json", form).json()[0]["service_request_id"]
    open311_city.order(category=open311_city.helping)  # a resident's own request
    assert get(client, "requests", "json").json() == []
    errors(get(client, f"requests/{number}", "json"), "json", 404)
    mine = get(client, "requests", "json", api_key=DEMO_KEY).json()
    assert [r["service_request_id"] for r in mine] == [number]
    assert get(client, f"requests/{number}", "json", api_key=DEMO_KEY).status_code == 200
    errors(get(client, "requests", "json", api_key="wrong"), "json", 403)


@pytest.mark.parametrize("fmt", FORMATS)
def test_ids_are_strings_and_absent_values_are_null_or_empty(
    client: Client, open311_city: City, fmt: str
) -> None:
    number = post(client, "json", posted(open311_city)).json()[0]["service_request_id"]
    response = get(client, f"requests/{number}", fmt)
    if fmt == "json":
        (shown,) = response.json()
        assert isinstance(shown["service_request_id"], str)
        assert shown["zipcode"] is None and shown["media_url"] is None
        assert isinstance(shown["lat"], float)
    else:
        request = ET.fromstring(response.content).find("request")  # noqa: S314
        assert request is not None
        assert request.find("zipcode") is not None and not request.findtext("zipcode")
        assert [c.tag for c in request][:2] == ["service_request_id", "status"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_callers_over_their_limit_get_429_with_retry_after(
    client: Client, open311_city: City, settings: Any, fmt: str
) -> None:
    settings.API_RATE_ANON_PER_MINUTE = 2
    settings.API_RATE_TOKEN_PER_MINUTE = 3
    for _ in range(2):
        assert get(client, "services", fmt).status_code == 200
    refused = get(client, "services", fmt)
    assert "秒" in errors(refused, fmt, 429)[0]
    assert int(refused["Retry-After"]) >= 1
    # A registered application counts on its own, with its own limit.
    for _ in range(3):
        assert get(client, "services", fmt, api_key=DEMO_KEY).status_code == 200
    errors(get(client, "services", fmt, api_key=DEMO_KEY), fmt, 429)
