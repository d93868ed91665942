"""Every role logs in through the Chinese login page and lands on its own home page."""

import re

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import ResponderKind, Role
from linli.accounts.navigation import home_url_for
from linli.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where each role holds its role in the test city (conftest.city_tree).
ROLE_REGIONS = {
    Role.RESIDENT: "grid1a",
    Role.GRID_WORKER: "grid1a",
    Role.GRID_LEADER: "community1",
    Role.RESPONDER: "community1",
    Role.DISPATCHER: "subdistrict1",
    Role.PROGRAMME_STAFF: "district1",
    Role.LEADER: "district1",
    Role.ADMIN: "city",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def log_in(page: Page, base_url: str, phone: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("role", list(ROLE_REGIONS))
def test_each_role_logs_in_and_lands_on_its_home_in_chinese(
    page: Page, live_server, city_tree, make_user, role
):  # type: ignore[no-untyped-def]
    user = make_user(role, city_tree[ROLE_REGIONS[role]])
    if role == Role.RESPONDER:
        assert user.roles.get().responder_kind == ResponderKind.VOLUNTEER
    home = home_url_for(user)
    log_in(page, live_server.url, user.phone)
    # A home may forward to the user's own region (the leader's KPI page does).
    expect(page).to_have_url(re.compile("^" + re.escape(f"{live_server.url}{home}")))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(CHINESE)
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_a_wrong_password_is_refused_in_chinese(page: Page, live_server, make_user):  # type: ignore[no-untyped-def]
    user = make_user()
    log_in(page, live_server.url, user.phone, password="wrong-password")
    expect(page.get_by_text("手机号或密码错误")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
