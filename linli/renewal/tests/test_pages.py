"""The staff pages: each renders for bureau staff, and each form writes through its service."""

import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from linli.accounts.models import AuditEntry
from linli.renewal.models import (
    Consultation,
    GovernanceBody,
    MergedCourtyard,
    RenovationItem,
    RenovationProject,
    SmartFacility,
    StreetProject,
)
from linli.territory.tests.factories import CourtyardFactory, EstateFactory


@pytest.fixture
def staff_client(client, bureau_staff, renewal_city):
    client.force_login(bureau_staff)
    return client


@pytest.mark.parametrize(
    "name,args",
    [
        ("dashboard", []),
        ("pool", []),
        ("projects", []),
        ("project_create", []),
        ("project", ["SC-1"]),
        ("project_edit", ["SC-1"]),
        ("merges", []),
        ("merge_create", []),
        ("facilities", []),
        ("facility_create", []),
        ("alleys", []),
        ("alley_create", []),
        ("ledger", []),
        ("estate", ["SC-A"]),
    ],
)
def test_every_page_renders_in_chinese(staff_client, name, args):
    response = staff_client.get(reverse(f"renewal:{name}", args=args))
    assert response.status_code == 200
    assert "老旧小区" in response.content.decode() or "改造" in response.content.decode()


def test_dashboard_shows_the_figures_in_the_bureaus_units(
    staff_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = staff_client.get(reverse("renewal:dashboard"))
    cards = {c["key"]: c["value"] for c in response.context["cards"]}
    assert cards["estates_started"] == 3
    assert cards["floor_area"] == "4"  # 37,000 m² is 3.7 万㎡, shown rounded
    assert cards["investment"] == "0.03"  # 3,250,000.5 yuan in 亿元


def test_project_list_does_not_grow_queries_with_projects(
    staff_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        staff_client.get(reverse("renewal:projects"))


def test_creating_a_project_bundles_the_chosen_estates(staff_client, city_tree):
    estates = [EstateFactory(grid=city_tree["grid2b"], build_year=1990) for _ in range(2)]
    response = staff_client.post(
        reverse("renewal:project_create"),
        {
            "code": "SC-2",
            "name": "山城区2022年",
            "district": city_tree["district2"].pk,
            "batch_year": 2022,
            "budget_yuan": "5000000",
            "funding_central": "3000000",
            "funding_local": "2000000",
            "estates": [e.pk for e in estates],
        },
    )
    assert response.status_code == 302
    project = RenovationProject.objects.get(code="SC-2")
    assert project.estates.count() == 2
    assert {f.kind for f in project.funding.all()} == {"central", "local"}
    assert AuditEntry.objects.filter(
        action="renewal.project.create", target_id=str(project.pk)
    ).exists()


def test_a_duplicate_project_number_is_shown_on_its_field(staff_client, city_tree):
    response = staff_client.post(
        reverse("renewal:project_create"),
        {
            "code": "SC-1",
            "name": "重复",
            "district": city_tree["district2"].pk,
            "batch_year": 2022,
            "budget_yuan": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_items_consultations_and_governance_are_recorded(staff_client, renewal_city):
    url = lambda name: reverse(f"renewal:{name}", args=["SC-1"])  # noqa: E731
    staff_client.post(
        url("item_add"), {"tier": "upgrade", "name": "日间照料中心", "quantity": "1", "unit": "处"}
    )
    staff_client.post(
        url("consultation_add"),
        {
            "kind": "vote",
            "topic": "management",
            "held_on": "2021-03-05",
            "participants": 120,
            "votes_for": 100,
            "votes_against": 10,
            "votes_abstain": 5,
            "result": "选聘物业服务公司",
        },
    )
    staff_client.post(
        url("governance_add"),
        {
            "kind": "party_branch",
            "name": "红色邻居临时党支部",
            "formed_on": "2021-03-10",
            "members": "张建国, 党员, 支部书记\n李秀英, 党员",
        },
    )
    assert RenovationItem.objects.filter(name="日间照料中心", tier="upgrade").exists()
    vote = Consultation.objects.get(kind="vote")
    assert vote.passed is True
    body = GovernanceBody.objects.get()
    assert [m.name for m in body.members.all()] == ["张建国", "李秀英"]
    page = staff_client.get(url("project")).content.decode()
    assert "日间照料中心" in page and "红色邻居临时党支部" in page


@pytest.mark.parametrize(
    ("name", "section"),
    [("item_add", "items"), ("consultation_add", "consultation"), ("governance_add", "governance")],
)
def test_a_refused_part_goes_back_to_its_section_with_a_message(staff_client, name, section):
    response = staff_client.post(reverse(f"renewal:{name}", args=["SC-1"]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("renewal:project", args=["SC-1"]) + f"#{section}"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and "：" in messages[0]


def test_a_bad_vote_is_refused_with_a_message(staff_client):
    response = staff_client.post(
        reverse("renewal:consultation_add", args=["SC-1"]),
        {"kind": "vote", "topic": "what", "held_on": "2021-03-05", "participants": 0},
        follow=True,
    )
    assert not Consultation.objects.exists()
    assert "投票" in response.content.decode() or "vote" in response.content.decode()


def test_merging_courtyards_through_the_form(staff_client, renewal_city, city_tree):
    source = EstateFactory(grid=city_tree["grid2b"], households=30, floor_area_m2=2000)
    courtyard = CourtyardFactory(estate=source, name="供电局家属院", households=30)
    response = staff_client.post(
        reverse("renewal:merge_create"),
        {
            "target": renewal_city["estates"]["c"].pk,
            "courtyards": [courtyard.pk],
            "method": "scattered_into_whole",
            "walls_removed": 2,
            "merged_on": "2021-04-01",
        },
    )
    assert response.status_code == 302
    moved = MergedCourtyard.objects.get(courtyard=courtyard)
    assert moved.from_estate == source
    assert moved.households_moved == 30


def test_registering_a_facility_shows_its_key_and_secret(staff_client, renewal_city):
    response = staff_client.post(
        reverse("renewal:facility_create"),
        {
            "estate": renewal_city["estates"]["c"].pk,
            "kind": "anti_throwing",
            "installed_on": "2021-10-01",
            "device_count": 4,
            "device_key": "sc-c-throw-1",
        },
        follow=True,
    )
    facility = SmartFacility.objects.get(device_key="sc-c-throw-1")
    assert facility.secret in response.content.decode()


def test_an_alley_moves_through_its_stages(staff_client, city_tree):
    staff_client.post(
        reverse("renewal:alley_create"),
        {
            "name": "九大院巷",
            "district": city_tree["district1"].pk,
            "cohort_year": 2024,
            "theme": "红色文化",
        },
    )
    alley = StreetProject.objects.get(name="九大院巷")
    assert alley.stage == "planned"
    url = reverse("renewal:alley_advance", args=[alley.pk])
    staff_client.post(url, {"to": "completed", "on": "2024-05-01"})
    alley.refresh_from_db()
    assert alley.stage == "planned"
    staff_client.post(url, {"to": "in_progress", "on": "2024-05-01"})
    staff_client.post(url, {"to": "completed", "on": "2024-09-01"})
    alley.refresh_from_db()
    assert (alley.stage, alley.started_on, alley.completed_on) == (
        "completed",
        date(2024, 5, 1),
        date(2024, 9, 1),
    )


def test_stage_moves_say_what_went_wrong_and_what_happened(staff_client, renewal_city):
    planned = renewal_city["sc"].estates.get(estate=renewal_city["estates"]["c"])
    alley = StreetProject.objects.get(name="新华巷")
    project_url = reverse("renewal:project_advance", args=["SC-1"])
    estate_url = reverse("renewal:estate_advance", args=["SC-1", planned.pk])
    alley_url = reverse("renewal:alley_advance", args=[alley.pk])
    for url, data in [
        (project_url, {"to": "planned"}),
        (estate_url, {"to": "completed", "on": "2021-02-01"}),
        (alley_url, {"to": "completed", "on": "2021-02-01"}),
        (project_url, {"to": "planned", "on": "2021-02-01"}),
        (estate_url, {"to": "started", "on": "2021-04-01"}),
        (alley_url, {"to": "in_progress", "on": "2021-02-01"}),
    ]:
        response = staff_client.post(url, data)
        assert response.status_code == 302
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert said == [
        ("error", "请填写新阶段的日期。"),
        ("error", "新华小区: 尚未开工，不能完工。"),
        ("error", "尚未开工，不能完工。"),
        ("success", "项目现为“计划中”。"),
        ("success", "新华小区 现为“已开工”。"),
    ]
    alley.refresh_from_db()
    assert (alley.stage, alley.started_on) == ("in_progress", date(2021, 2, 1))


def test_ledger_page_lists_every_problem_of_a_bad_file(staff_client):
    upload = io.BytesIO(b"definitely not excel")
    upload.name = "ledger.xlsx"
    response = staff_client.post(reverse("renewal:ledger"), {"file": upload})
    assert response.status_code == 200
    assert "Excel" in response.content.decode()
    assert response.context["problems"]


def test_ledger_export_and_template_download(staff_client):
    for name in ("ledger_export", "ledger_template"):
        response = staff_client.get(reverse(f"renewal:{name}"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "name,args",
    [("project", ["SC-1"]), ("pool", []), ("merges", []), ("facilities", []), ("alleys", [])],
)
def test_pages_read_in_a_fixed_number_of_queries(
    staff_client, name, args, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        assert staff_client.get(reverse(f"renewal:{name}", args=args)).status_code == 200
