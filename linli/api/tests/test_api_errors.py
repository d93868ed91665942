"""Every error is JSON with a stable code and a message naming the field, in Chinese or, when
asked, in English; no input of any shape gets a 500."""

import json

import pytest
from django.test import Client

from linli.api.tests.api_setup import *  # noqa: F403
from linli.api.tests.api_setup import API

pytestmark = pytest.mark.django_db


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def no_duplicate_keys(pairs: list) -> dict:
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys in {keys}"
    return dict(pairs)


def test_a_missing_field_is_named_in_chinese(cast, as_user):
    answer = as_user(cast.resident).post("/orders", {"lng": 114.3, "lat": 35.7})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "validation_error" and body["field"] == "category"
    assert has_chinese(body["message"]) and "：" in body["message"]
    assert {e["field"] for e in body["errors"]} == {"category", "description"}
    assert answer["Content-Language"] == "zh-hans"


@pytest.mark.parametrize(
    "how", [{"headers": {"Accept-Language": "en-US,en;q=0.9"}}, {"query": "?lang=en"}]
)
def test_english_when_asked(cast, as_user, how):
    api = as_user(cast.resident)
    path = "/orders" + how.get("query", "")
    answer = api.post(path, {"lng": 114.3, "lat": 35.7}, headers=how.get("headers", {}))
    body = answer.json()
    assert body["field"] == "category"
    assert body["message"] == "Category: this is required."
    assert answer["Content-Language"] == "en"


def test_service_messages_follow_the_language_too(cast, make_order, as_user):
    order = make_order()
    api = as_user(cast.grid_worker)
    chinese = api.post(f"/orders/{order.pk}/actions/accept").json()["message"]
    english = api.post(f"/orders/{order.pk}/actions/accept?lang=en").json()["message"]
    assert has_chinese(chinese) and not has_chinese(english)
    assert "cannot be" in english


def test_a_chinese_browser_gets_chinese(cast, as_user):
    answer = as_user(cast.resident).get(
        "/orders/999999", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert answer.status_code == 404 and has_chinese(answer.json()["message"])


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "malformed_json"),
        (b"[1, 2]", "application/json", 422, "validation_error"),
        (b'"text"', "application/json", 422, "validation_error"),
        (b"[" * 100_000, "application/json", 400, "malformed_json"),
        (b'{"category": 1' + b"0" * 5000 + b"}", "application/json", 400, "malformed_json"),
        (b"<xml/>", "application/xml", 415, "unsupported_media_type"),
        (b"\xff\xfe\x00", "application/json", 400, "malformed_json"),
        (b'{"description": "a\\u0000b"}', "application/json", 422, "validation_error"),
        (b'{"description": "\\ud800"}', "application/json", 422, "validation_error"),
        (b'{"category": 99999999999999999999999}', "application/json", 422, "validation_error"),
        (b'{"lng": NaN, "lat": Infinity}', "application/json", 422, "validation_error"),
    ],
)
def test_malformed_bodies_get_json_errors(cast, as_user, body, content_type, status, code):
    answer = as_user(cast.resident).post("/orders", body, content_type=content_type)
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == code


def test_a_huge_body_is_refused_before_it_is_read(cast, as_user, settings):
    settings.API_MAX_JSON_BYTES = 1000
    big = json.dumps({"description": "长" * 2000})
    answer = as_user(cast.resident).post("/orders", big, content_type="application/json")
    assert answer.status_code == 413 and answer.json()["code"] == "payload_too_large"


def test_the_token_route_handles_junk_too(client):
    for body, content_type in [
        (b"{", "application/json"),
        (b"phone=1", "application/x-www-form-urlencoded"),
        (b'{"phone": 5}', "application/json"),
    ]:
        answer = client.post(f"{API}/auth/token", body, content_type=content_type)
        assert answer.status_code in (400, 422), body
        assert answer.json()["code"] in ("malformed_json", "validation_error")
    nul = client.post(
        f"{API}/auth/token",
        {"phone": "138\u0000", "password": "x"},
        content_type="application/json",
    )
    assert nul.status_code == 422 and nul.json()["field"] == "phone"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/orders/999999", 404, "not_found"),
        ("/orders/abc", 422, "validation_error"),
        ("/orders/0", 422, "validation_error"),
        ("/orders/123456789012345678901234567890", 422, "validation_error"),
        ("/no/such/thing", 404, "not_found"),
        ("/regions/NOPE", 404, "not_found"),
        ("/orders?region=%00", 400, "bad_request"),
        ("/regions/%00", 400, "bad_request"),
        ("/lookup?lng=nan&lat=1", 422, "validation_error"),
        ("/lookup?lng=1", 422, "validation_error"),
        ("/lookup?lng=1&lng=2&lat=3", 422, "validation_error"),
        ("/renewal/projects?offset=99999999999999999999", 422, "validation_error"),
        ("/renewal/projects?limit=100000", 422, "validation_error"),
    ],
)
def test_unknown_addresses_and_ids_get_json_errors(cast, as_user, path, status, code):
    answer = as_user(cast.dispatcher).get(path)
    assert answer.status_code == status, answer.content[:300]
    assert answer.json()["code"] == code


def test_a_wrong_method_is_a_json_405(cast, as_user):
    answer = as_user(cast.resident).delete("/orders")
    assert answer.status_code == 405
    assert answer.json()["code"] == "method_not_allowed"
    assert "GET" in answer["Allow"]


def test_an_unsigned_request_is_a_json_401(client):
    answer = client.get(f"{API}/orders?lang=en")
    assert answer.status_code == 401
    assert answer.json() == {
        "code": "not_authenticated",
        "message": "Sign in, or send an API token as “Authorization: Bearer <token>”.",
        "field": None,
        "errors": [
            {"field": None, "code": "not_authenticated", "message": answer.json()["message"]}
        ],
        "detail": {"__all__": [answer.json()["message"]]},
    }


def test_an_unforeseen_failure_is_a_json_500_not_a_page(cast, as_user, monkeypatch):
    from linli.api.v1.routes import categories

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(categories.Category.objects, "active", boom)
    answer = as_user(cast.resident).get("/categories")
    assert answer.status_code == 500
    assert answer.json()["code"] == "server_error"
    assert "boom" not in answer.content.decode()


def test_the_docs_and_document_need_no_sign_in():
    client = Client()
    document = client.get(f"{API}/openapi.json")
    assert document.status_code == 200
    json.loads(document.content, object_pairs_hook=no_duplicate_keys)  # Swagger UI refuses them
    paths = document.json()["paths"]
    assert "/api/v1/orders/{order_id}/actions/dispatch" in paths
    create = paths["/api/v1/orders"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ApiErrorOut"
    )
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
