"""KPI pages and the monthly report: who may see which region, unit and person (404
otherwise), what they show, the Excel download, and a fixed number of queries."""

import io
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from linli.workorders.tests.test_kpis_formulas import TZ, six_orders  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
LATER = datetime(2026, 4, 10, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _in_april():
    with time_machine.travel(LATER, tick=False):
        yield


def region_url(region):  # type: ignore[no-untyped-def]
    return reverse("workorders:kpis_region", args=[region.code])


def test_leader_home_leads_to_the_city_page(client, cast):
    client.force_login(cast.leader)
    response = client.get(reverse("workorders:kpis"))
    assert response.status_code == 302
    assert response["Location"] == region_url(cast.tree["city"])


def test_city_page_shows_the_figures_children_and_units(client, cast, six_orders):  # noqa: F811
    client.force_login(cast.leader)
    response = client.get(region_url(cast.tree["city"]), MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "淇滨区" in page and "山城区" in page  # districts to drill into
    assert cast.unit.name in page  # the unit that held an order
    cards = {c["key"]: c["value"] for c in response.context["cards"]}
    assert cards["reported"] == 6
    assert cards["close_rate"] == "60.0%"
    assert cards["score"] == "62.0"
    counts = response.context["map"]["counts"]
    assert counts[cast.tree["district1"].code] == {"open": 2, "overdue": 2}  # C and F
    assert reverse("territory:region_map", args=[cast.tree["city"].code]) in page


def test_grid_page_drills_down_to_the_grid(client, cast, six_orders):  # noqa: F811
    client.force_login(cast.leader)
    grid = cast.tree["grid1a"]
    response = client.get(region_url(grid), MARCH)
    assert response.status_code == 200
    assert response.context["k"]["counts"]["reported"] == 6
    names = [b["name"] for b in response.context["breadcrumb"]]
    assert names[0] == "鹤壁市" and names[-1] == grid.name


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("leader", "city", 200),
        ("leader", "grid2a", 200),
        ("grid_leader", "community1", 200),  # the community office
        ("grid_leader", "grid1a", 200),
        ("grid_leader", "community2", 404),
        ("grid_leader", "district1", 404),
        ("dispatcher", "subdistrict1", 200),
        ("dispatcher", "subdistrict2", 404),
        ("other_dispatcher", "grid1a", 404),
        ("grid_worker", "grid1a", 404),
        ("resident", "grid1a", 404),
        ("volunteer", "community1", 404),
        ("admin", "district2", 200),
    ],
)
def test_who_sees_which_region(client, cast, who, region, status):
    client.force_login(getattr(cast, who))
    assert client.get(region_url(cast.tree[region])).status_code == status


def test_an_unknown_region_is_404(client, cast):
    client.force_login(cast.leader)
    assert client.get(reverse("workorders:kpis_region", args=["nope"])).status_code == 404


def test_kpis_home_is_404_without_a_kpi_role(client, cast):
    client.force_login(cast.volunteer)
    assert client.get(reverse("workorders:kpis")).status_code == 404


def test_unit_and_person_pages_follow_the_region(client, cast, six_orders):  # noqa: F811
    unit_url = reverse("workorders:kpis_unit", args=[cast.unit.pk])
    person_url = reverse("workorders:kpis_person", args=[cast.volunteer.pk])
    client.force_login(cast.leader)
    unit = client.get(unit_url, MARCH)
    assert unit.status_code == 200
    assert cast.department_staff.name in unit.content.decode()
    person = client.get(person_url, MARCH)
    assert person.context["k"]["counts"]["reported"] == 3
    client.force_login(cast.other_dispatcher)  # subdistrict 2: neither serves there
    assert client.get(unit_url).status_code == 404
    assert client.get(person_url).status_code == 404
    assert client.get(reverse("workorders:kpis_unit", args=[999999])).status_code == 404


def test_bad_dates_get_a_message_not_an_error(client, cast):
    client.force_login(cast.leader)
    response = client.get(region_url(cast.tree["city"]), {"start": "2026-13-01", "end": "x"})
    assert response.status_code == 200
    response = client.get(
        region_url(cast.tree["city"]), {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    response = client.get(region_url(cast.tree["city"]), {"start": "1999-01-01"})
    assert response.context["form"].errors["start"]


def test_monthly_report_numbers(client, cast, six_orders):  # noqa: F811
    client.force_login(cast.leader)
    url = reverse("workorders:kpis_report", args=[cast.tree["city"].code])
    response = client.get(url, {"month": "2026-03"})
    assert response.status_code == 200
    report = response.context["report"]
    h = report.headline
    assert (h["reported"], h["filed"], h["due_close"], h["closed"], h["closed_on_time"]) == (
        6,
        5,
        5,
        3,
        2,
    )
    assert (h["close_rate"], h["on_time_close_rate"]) == (0.6, 0.4)
    assert [(line["name"], line["reported"]) for line in report.by_source] == [
        ("居民下单", 5),
        ("网格员巡查", 1),
    ]
    resident = report.by_source[0]
    assert (resident["filed"], resident["closed"], resident["closed_on_time"]) == (4, 2, 1)
    assert [line["reported"] for line in report.by_class] == [6]
    assert report.top[0]["reported"] == 6
    assert "60.00%" in response.content.decode()


def test_monthly_report_downloads_as_excel(client, cast, six_orders):  # noqa: F811
    client.force_login(cast.leader)
    url = reverse("workorders:kpis_report", args=[cast.tree["district1"].code])
    response = client.get(url, {"month": "2026-03", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2026-03.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    assert summary[1][1:] == (6, "100.00%", 5, 5, 3, "60.00%", 2, "40.00%")
    by_source = list(book.worksheets[1].iter_rows(values_only=True))
    assert [row[:2] for row in by_source[1:]] == [("居民下单", 5), ("网格员巡查", 1)]
    assert len(book.worksheets) == 4


def test_monthly_report_with_a_bad_month_shows_last_month(client, cast):
    client.force_login(cast.leader)
    url = reverse("workorders:kpis_report", args=[cast.tree["city"].code])
    response = client.get(url, {"month": "2026-99"})
    assert response.status_code == 200
    assert response.context["report"].month.isoformat() == "2026-03-01"
    assert response.context["form"].errors["month"]


@pytest.mark.parametrize("region", ["city", "district1", "subdistrict1", "community1", "grid1a"])
def test_region_pages_take_a_fixed_number_of_queries(
    client,
    cast,
    six_orders,  # noqa: F811
    region,
    django_assert_max_num_queries,
):
    client.force_login(cast.leader)
    with django_assert_max_num_queries(20):
        assert client.get(region_url(cast.tree[region]), MARCH).status_code == 200


def test_unit_person_and_report_pages_take_a_fixed_number_of_queries(
    client,
    cast,
    six_orders,  # noqa: F811
    django_assert_max_num_queries,
):
    client.force_login(cast.leader)
    urls = [
        reverse("workorders:kpis_unit", args=[cast.unit.pk]),
        reverse("workorders:kpis_person", args=[cast.volunteer.pk]),
        reverse("workorders:kpis_report", args=[cast.tree["city"].code]),
    ]
    for url in urls:
        with django_assert_max_num_queries(14):
            assert client.get(url, MARCH).status_code == 200


def test_leaders_get_the_kpi_menu_item(client, cast):
    client.force_login(cast.leader)
    page = client.get(reverse("workorders:kpis_region", args=[cast.tree["city"].code]))
    assert reverse("workorders:kpis") in page.content.decode()


def test_the_date_pickers_show_the_period_the_page_shows(client, cast):
    client.force_login(cast.leader)
    page = client.get(region_url(cast.tree["city"])).content.decode()
    assert 'name="start" value="2026-04-01"' in page
    assert 'name="end" value="2026-04-10"' in page  # this month so far
    page = client.get(region_url(cast.tree["city"]), MARCH).content.decode()
    assert 'name="start" value="2026-03-01"' in page


def test_the_month_picker_shows_the_month_the_report_shows(client, cast):
    client.force_login(cast.leader)
    url = reverse("workorders:kpis_report", args=[cast.tree["city"].code])
    assert 'name="month" value="2026-03"' in client.get(url).content.decode()
    assert 'name="month" value="2026-01"' in client.get(url, {"month": "2026-01"}).content.decode()
