"""Role × region: housing-bureau staff edit, offices and leaders read their region, residents
see only their own estate's public page."""

import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.renewal import permissions
from linli.renewal.models import SmartFacility
from linli.territory.tests.factories import BuildingFactory, DwellingFactory, ResidentFactory


@pytest.fixture
def people(renewal_city, make_user, city_tree):
    t = city_tree
    resident = make_user(Role.RESIDENT, t["grid2a"])
    dwelling = DwellingFactory(building=BuildingFactory(estate=renewal_city["estates"]["b"]))
    ResidentFactory(user=resident, grid=t["grid2a"], dwelling=dwelling)
    return {
        "bureau_city": make_user(Role.PROGRAMME_STAFF, t["city"]),
        "bureau_shancheng": make_user(Role.PROGRAMME_STAFF, t["district2"]),
        "bureau_qibin": make_user(Role.PROGRAMME_STAFF, t["district1"]),
        "street_office": make_user(Role.DISPATCHER, t["subdistrict2"]),
        "community_other": make_user(Role.DISPATCHER, t["community1"]),
        "leader": make_user(Role.LEADER, t["city"]),
        "grid_worker": make_user(Role.GRID_WORKER, t["grid2a"]),
        "resident": resident,
    }


READ = {"bureau_city", "bureau_shancheng", "street_office", "leader"}
WRITE = {"bureau_city", "bureau_shancheng"}


@pytest.mark.parametrize(
    "who",
    [
        "bureau_city",
        "bureau_shancheng",
        "bureau_qibin",
        "street_office",
        "community_other",
        "leader",
        "grid_worker",
        "resident",
    ],
)
def test_project_page_and_edit_follow_role_and_region(client, people, who):
    client.force_login(people[who])
    page = client.get(reverse("renewal:project", args=["SC-1"]))
    assert page.status_code == (200 if who in READ else 404)
    edit = client.get(reverse("renewal:project_edit", args=["SC-1"]))
    assert edit.status_code == (200 if who in WRITE else 404)


@pytest.mark.parametrize("who", ["street_office", "leader", "resident", "grid_worker"])
def test_only_bureau_staff_can_move_a_stage(client, people, who):
    client.force_login(people[who])
    response = client.post(
        reverse("renewal:project_advance", args=["SC-1"]), {"to": "planned", "on": "2021-02-01"}
    )
    assert response.status_code == 404


def test_bureau_staff_moves_a_stage(client, people, renewal_city):
    client.force_login(people["bureau_shancheng"])
    response = client.post(
        reverse("renewal:project_advance", args=["SC-1"]), {"to": "planned", "on": "2021-02-01"}
    )
    assert response.status_code == 302
    renewal_city["sc"].refresh_from_db()
    assert renewal_city["sc"].stage == "planned"


def test_resident_reads_only_their_own_estates_public_page(client, people):
    client.force_login(people["resident"])
    own = client.get(reverse("renewal:estate", args=["SC-B"]))
    assert own.status_code == 200
    assert "红旗小区" in own.content.decode()
    assert "体检" not in own.content.decode()  # surveys are for offices
    assert client.get(reverse("renewal:estate", args=["SC-A"])).status_code == 404
    for name in ("dashboard", "projects", "pool", "merges", "facilities", "alleys", "ledger"):
        assert client.get(reverse(f"renewal:{name}")).status_code == 404, name


def test_district_staff_see_only_their_districts_records(people, renewal_city):
    qibin = people["bureau_qibin"]
    assert [p.code for p in permissions.visible_projects(qibin)] == ["QB-1"]
    assert set(permissions.visible_alleys(qibin).values_list("name", flat=True)) == {
        "食字街",
        "海棠西巷",
    }
    street = people["street_office"]
    assert {p.code for p in permissions.visible_projects(street)} == {"SC-1"}


def test_dashboard_of_a_district_leader_shows_their_district(
    client, make_user, renewal_city, city_tree
):
    client.force_login(make_user(Role.LEADER, city_tree["district1"]))
    page = client.get(reverse("renewal:dashboard"))
    assert page.status_code == 200
    assert page.context["scope"].region == city_tree["district1"]
    assert page.context["summary"]["estates_started"] == 1
    other = client.get(reverse("renewal:dashboard"), {"district": city_tree["district2"].code})
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("who", "sees_surveys", "may_record"),
    [
        ("bureau_city", True, True),
        ("bureau_shancheng", True, True),
        ("street_office", True, False),
        ("leader", True, False),
    ],
)
def test_estate_page_shows_surveys_to_offices_and_the_survey_form_to_editors(
    client, people, who, sees_surveys, may_record
):
    client.force_login(people[who])
    page = client.get(reverse("renewal:estate", args=["SC-C"]))
    assert bool(page.context["surveys"]) is sees_surveys
    assert (page.context["survey_form"] is not None) is may_record


def test_a_resident_gets_neither_surveys_nor_the_survey_form(client, people):
    client.force_login(people["resident"])
    page = client.get(reverse("renewal:estate", args=["SC-B"]))
    assert page.context["surveys"] == [] and page.context["survey_form"] is None


@pytest.mark.parametrize(
    ("who", "may_edit"),
    [
        ("bureau_city", True),
        ("bureau_shancheng", True),
        ("street_office", False),
        ("leader", False),
    ],
)
def test_facility_page_offers_editing_to_bureau_staff_of_its_region(client, people, who, may_edit):
    facility = SmartFacility.objects.filter(estate__code="SC-A").first()
    client.force_login(people[who])
    page = client.get(reverse("renewal:facility", args=[facility.device_key]))
    assert page.context["can_edit"] is may_edit
