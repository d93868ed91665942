"""Renovation golden paths in Chromium, in Chinese: a leader reads the dashboard (figures,
charts, map, district filter); housing-bureau staff create a project, bundle estates and move
it into the annual plan."""

import re

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import Role
from linli.accounts.tests.factories import PASSWORD
from linli.renewal.models import RenovationProject
from linli.territory.tests.factories import EstateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}


def log_in(page: Page, base_url: str, phone: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def figure(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f".figure[data-key='{key}'] b")


def test_a_leader_reads_the_renovation_dashboard(
    page: Page, live_server, renewal_city, make_user, city_tree
):  # type: ignore[no-untyped-def]
    page.set_viewport_size(DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    leader = make_user(Role.LEADER, city_tree["city"], name="王市长")
    log_in(page, live_server.url, leader.phone)
    page.get_by_role("link", name="老旧小区改造", exact=True).first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("老旧小区改造与背街小巷整治")
    expect(page.get_by_text("启动改造小区")).to_be_visible()
    expect(figure(page, "estates_started")).to_have_text("3")
    expect(figure(page, "courtyards_merged")).to_have_text("2")
    expect(figure(page, "alleys_demonstration")).to_have_text("2")
    for chart in ("chart-districts", "chart-stages", "chart-years"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    expect(page.locator("#renewal-map.leaflet-container")).to_be_visible()
    expect(page.get_by_role("cell", name="山城区")).to_be_visible()

    page.get_by_label("区县", exact=True).select_option(label="山城区")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"district=" + city_tree["district2"].code))
    expect(figure(page, "estates_started")).to_have_text("2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("山城区")
    assert errors == []


def test_bureau_staff_create_a_project_in_chinese(
    page: Page, live_server, renewal_city, make_user, city_tree
):  # type: ignore[no-untyped-def]
    page.set_viewport_size(DESKTOP)
    grid = city_tree["grid2b"]
    EstateFactory(grid=grid, code="SC-Z1", name="纸箱厂家属院", build_year=1986)
    EstateFactory(grid=grid, code="SC-Z2", name="建设银行家属院", build_year=1990)
    staff = make_user(Role.PROGRAMME_STAFF, city_tree["district2"], name="赵住建")
    log_in(page, live_server.url, staff.phone)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "老旧小区改造"
    )  # the bureau's home

    page.get_by_role("navigation", name="老旧小区改造").get_by_role(
        "link", name="改造项目", exact=True
    ).click()
    page.get_by_role("link", name="新建项目").click()
    expect(page.get_by_role("heading", name="新建改造项目")).to_be_visible()
    page.get_by_label("项目编号").fill("SC-2023-01")
    page.get_by_label("项目名称").fill("山城区2023年老旧小区改造项目")
    page.get_by_label("所属区县").select_option(label="山城区")
    page.get_by_label("年度批次").fill("2023")
    page.get_by_label("预算（元）").fill("-5")
    page.get_by_label("中央补助").fill("3000000")
    page.get_by_label("打捆小区").select_option(
        label=["纸箱厂家属院（SC-Z1，1986）", "建设银行家属院（SC-Z2，1990）"]
    )
    page.get_by_role("button", name="创建项目").click()

    expect(page.get_by_role("alert").first).to_contain_text("大于或等于")  # no negative budget
    assert not RenovationProject.objects.filter(code="SC-2023-01").exists()
    page.get_by_label("预算（元）").fill("5000000")
    page.get_by_label("打捆小区").select_option(
        label=["纸箱厂家属院（SC-Z1，1986）", "建设银行家属院（SC-Z2，1990）"]
    )
    page.get_by_role("button", name="创建项目").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("山城区2023年老旧小区改造项目")
    expect(page.get_by_role("status")).to_contain_text("项目 SC-2023-01 已创建")
    expect(page.get_by_role("link", name="纸箱厂家属院")).to_be_visible()
    page.locator("section.card").first.get_by_label("日期").fill("2023-03-01")
    page.get_by_role("button", name="标记为计划中").first.click()
    expect(page.get_by_role("status")).to_contain_text("项目现为“计划中”")
    project = RenovationProject.objects.get(code="SC-2023-01")
    assert (project.stage, project.estates.count()) == ("planned", 2)
