"""The API's pages in a browser with no internet: the interactive docs (Swagger UI from
ninja's own files, no CDN) try an endpoint with the page's session, and the API tokens page
makes and revokes a token in Chinese."""

import os
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from linli.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("API_SCREENSHOTS", "")


def offline(page: Page, base_url: str) -> list[str]:
    """Refuse every request that leaves the live server; returns what was refused."""
    host = urlparse(base_url).netloc
    refused: list[str] = []

    def guard(route: Route) -> None:
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return refused


def log_in(page: Page, base_url: str, phone: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_docs_page_works_with_no_internet(page: Page, live_server, make_user):  # type: ignore[no-untyped-def]
    refused = offline(page, live_server.url)
    log_in(page, live_server.url, make_user(name="开发者").phone)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Linli API")
    expect(page.get_by_text("/api/v1/orders/{order_id}/actions/dispatch")).to_be_visible()
    # Try GET /me from the page: the session signs it.
    page.locator("#operations-auth-linli_api_v1_routes_auth_me").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text(
        "200"
    )
    expect(page.locator(".live-responses-table")).to_contain_text("开发者")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/api-docs.png", full_page=False)
    assert refused == []


def test_a_token_is_made_shown_once_and_revoked_in_chinese(page: Page, live_server, make_user):  # type: ignore[no-untyped-def]
    offline(page, live_server.url)
    log_in(page, live_server.url, make_user().phone)
    page.goto(f"{live_server.url}/api/tokens/")
    expect(page.get_by_role("heading", name="API 令牌", level=1)).to_be_visible()
    page.get_by_label("用途").fill("12345 热线同步")
    page.get_by_role("button", name="创建令牌").click()
    key = page.get_by_label("令牌", exact=True).input_value()
    assert key.startswith("linli_")
    expect(page.get_by_text("请立即复制")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/api-tokens.png", full_page=True)
    page.get_by_role("button", name="吊销 12345 热线同步").click()
    expect(page.get_by_text("令牌“12345 热线同步”已吊销。")).to_be_visible()
    expect(page.get_by_role("cell", name="已于", exact=False)).to_be_visible()
