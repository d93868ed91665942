"""A resident on a phone finds 我的设置 in the header, turns SMS off, is told in Chinese what is
wrong with an e-mail address, and switches the language, which shows on the next page."""

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import Role
from linli.accounts.tests.test_browser_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_changes_settings_on_a_phone(page: Page, live_server, city_tree, make_user):  # type: ignore[no-untyped-def]
    user = make_user(Role.RESIDENT, city_tree["grid1a"], name="黄桂英")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.phone)
    page.locator(".account").get_by_role("link", name="黄桂英").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的设置")
    expect(page.get_by_text("居民 · ")).to_be_visible()
    expect(page.get_by_text("在微信中打开邻里即可绑定")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    notices = page.get_by_role("region", name="消息通知")
    notices.get_by_label("短信").uncheck()
    notices.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("已保存。")
    expect(page.get_by_role("region", name="消息通知").get_by_label("短信")).not_to_be_checked()

    profile = page.get_by_role("region", name="个人资料")
    profile.get_by_label("电子邮箱", exact=True).fill("huang@")
    profile.get_by_role("button", name="保存").click()
    profile = page.get_by_role("region", name="个人资料")
    expect(profile.get_by_text("电子邮箱：请填写形如 name@example.com 的地址")).to_be_visible()

    profile.get_by_label("电子邮箱", exact=True).fill("huang@example.cn")
    profile.get_by_label("English").check()
    profile.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My settings")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status")).to_have_text("Saved.")

    page.get_by_role("region", name="Profile").get_by_label("简体中文").check()
    page.get_by_role("region", name="Profile").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的设置")
    user.refresh_from_db()
    assert (user.email, user.language, user.notify_by_sms) == ("huang@example.cn", "zh-hans", False)
