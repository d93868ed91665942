"""The JSON API under /api/v1/renewal/ and its OpenAPI document."""

from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.renewal.queries import SUMMARY_KEYS
from linli.territory.tests.factories import EstateFactory

API = "/api/v1/renewal"


def test_summary_is_public_and_in_base_units(client, renewal_city):
    response = client.get(f"{API}/summary")
    assert response.status_code == 200
    body = response.json()
    assert set(SUMMARY_KEYS) <= set(body)
    assert body["floor_area_m2"] == 37000
    assert body["investment_yuan"] == 3250000.5
    assert body["households"] == 450
    assert body["estates_started"] == 3


def test_summary_filters_by_division_code_and_year(client, renewal_city, city_tree):
    body = client.get(
        f"{API}/summary", {"district": city_tree["district2"].code, "year": 2021}
    ).json()
    assert (body["estates_started"], body["projects"], body["district"], body["year"]) == (
        2,
        1,
        city_tree["district2"].code,
        2021,
    )


@pytest.mark.parametrize(
    "params", [{"district": "999999999999"}, {"year": "1800"}, {"year": "abc"}]
)
def test_summary_refuses_bad_filters_with_a_message(client, renewal_city, params):
    response = client.get(f"{API}/summary", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_lists_need_a_login_and_follow_the_users_region(client, renewal_city, make_user, city_tree):
    assert client.get(f"{API}/projects").status_code == 401
    client.force_login(make_user(Role.DISPATCHER, city_tree["subdistrict1"]))
    codes = [p["code"] for p in client.get(f"{API}/projects").json()["items"]]
    assert codes == ["QB-1"]
    assert client.get(f"{API}/projects/SC-1").status_code == 404


def test_every_list_answers_for_bureau_staff(client, renewal_city, bureau_staff):
    client.force_login(bureau_staff)
    counts = {
        name: client.get(f"{API}/{name}").json()["count"]
        for name in ("projects", "estates", "items", "merges", "facilities", "alleys")
    }
    assert counts == {
        "projects": 2,
        "estates": 4,
        "items": 2,
        "merges": 1,
        "facilities": 6,
        "alleys": 4,
    }
    detail = client.get(f"{API}/projects/SC-1").json()
    assert {e["estate"] for e in detail["estates"]} == {"SC-A", "SC-B", "SC-C"}
    assert detail["estates"][0]["households"] > 0
    merge = client.get(f"{API}/merges").json()["items"][0]
    assert {c["from_estate"] for c in merge["courtyards"]} == {"SC-Y1", "SC-Y2"}


def test_bureau_staff_create_a_project_and_move_it_on(
    client, renewal_city, bureau_staff, city_tree
):
    client.force_login(bureau_staff)
    estate = EstateFactory(grid=city_tree["grid2b"], code="SC-N")
    response = client.post(
        f"{API}/projects",
        {
            "code": "SC-9",
            "name": "接口项目",
            "district": city_tree["district2"].code,
            "batch_year": 2023,
            "budget_yuan": "1200000",
            "funding": {"central": "800000"},
            "estates": ["SC-N"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["estates"][0]["estate"] == estate.code
    moved = client.post(
        f"{API}/projects/SC-9/stage",
        {"to": "planned", "on": "2023-03-01"},
        content_type="application/json",
    )
    assert moved.json()["stage"] == "planned"
    skipped = client.post(
        f"{API}/projects/SC-9/stage",
        {"to": "completed", "on": "2023-09-01"},
        content_type="application/json",
    )
    assert skipped.status_code == 422
    assert "尚未开工" in str(skipped.json()["detail"])  # answered in Chinese
    item = client.post(
        f"{API}/projects/SC-9/items",
        {"tier": "improve", "name": "车棚", "quantity": "2", "unit": "处"},
        content_type="application/json",
    )
    assert item.status_code == 201 and Decimal(str(item.json()["quantity"])) == 2


def test_readers_cannot_write(client, renewal_city, make_user, city_tree):
    client.force_login(make_user(Role.LEADER, city_tree["city"]))
    response = client.post(
        f"{API}/projects/SC-1/stage",
        {"to": "planned", "on": "2021-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_new_facility_shows_its_secret_once(client, renewal_city, bureau_staff):
    client.force_login(bureau_staff)
    created = client.post(
        f"{API}/facilities",
        {"estate": "SC-C", "kind": "surveillance", "installed_on": "2022-05-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert len(created.json()["secret"]) == 64
    listed = client.get(f"{API}/facilities").json()["items"]
    assert all("secret" not in f for f in listed)


def test_openapi_document_lists_the_renewal_endpoints(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    for path in (
        "summary",
        "projects",
        "estates",
        "items",
        "merges",
        "facilities",
        "alleys",
        "alerts",
    ):
        assert f"{API}/{path}" in paths, path
    assert client.get("/api/v1/docs").status_code == 200
