"""Rate limits: per token (or signed-in person) and per address, counted in the database so
that every process shares them; 429 with Retry-After past the limit."""

import pytest
from django.test import Client

from linli.api.access.models import RateWindow
from linli.api.access.ratelimit import hit
from linli.api.tests.api_setup import *  # noqa: F403
from linli.api.tests.api_setup import API

pytestmark = pytest.mark.django_db


def test_a_token_past_its_limit_gets_429_with_retry_after(cast, as_user, settings):
    settings.API_RATE_TOKEN_PER_MINUTE = 3
    api = as_user(cast.resident)
    answers = [api.get("/categories") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 120
    assert answers[0]["X-RateLimit-Limit"] == "3"
    # Another token has its own count.
    assert as_user(cast.neighbour).get("/categories").status_code == 200


def test_anonymous_callers_are_limited_by_address(settings):
    settings.API_RATE_ANON_PER_MINUTE = 2
    client = Client(REMOTE_ADDR="10.0.0.7")
    codes = [client.get(f"{API}/orders").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert Client(REMOTE_ADDR="10.0.0.8").get(f"{API}/orders").status_code == 401


def test_the_token_route_has_its_own_tighter_limit(make_user, settings):
    settings.API_RATE_LOGIN_PER_MINUTE = 2
    user = make_user()
    client = Client(REMOTE_ADDR="10.0.0.9")
    body = {"phone": user.phone, "password": "wrong"}
    codes = [
        client.post(f"{API}/auth/token", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]


def test_forwarded_addresses_count_only_behind_trusted_proxies(settings):
    settings.API_RATE_ANON_PER_MINUTE = 1
    spoofing = Client(REMOTE_ADDR="10.0.1.1")
    first = spoofing.get(f"{API}/orders", headers={"X-Forwarded-For": "1.1.1.1"})
    second = spoofing.get(f"{API}/orders", headers={"X-Forwarded-For": "2.2.2.2"})
    assert (first.status_code, second.status_code) == (401, 429)
    settings.API_RATE_PROXIES = 1
    proxy = Client(REMOTE_ADDR="10.0.1.2")
    a = proxy.get(f"{API}/orders", headers={"X-Forwarded-For": "3.3.3.3"})
    b = proxy.get(f"{API}/orders", headers={"X-Forwarded-For": "4.4.4.4"})
    assert (a.status_code, b.status_code) == (401, 401)


def test_a_limit_of_zero_turns_limits_off(cast, as_user, settings):
    settings.API_RATE_TOKEN_PER_MINUTE = 0
    api = as_user(cast.resident)
    assert all(api.get("/categories").status_code == 200 for _ in range(5))
    assert not RateWindow.objects.exists()


def test_the_window_slides():
    # 10 per minute: 10 late in one window, then the next window's first request.
    for i in range(10):
        assert hit("k", limit=10, now=60 + 50 + i * 0.1).allowed
    assert not hit("k", limit=10, now=110).allowed  # the 11th in the same minute
    # 30 s into the next window half of the previous one's 11 still count: 5.5 + 1 ≤ 10.
    early = hit("k", limit=10, now=120 + 30)
    assert early.allowed and early.remaining == 3


def test_retry_after_says_when_the_estimate_falls_below_the_limit():
    for _ in range(4):
        hit("r", limit=4, now=10)
    refused = hit("r", limit=4, now=10)
    assert not refused.allowed
    # 5 counted in [0, 60): in the next window one more fits once (1 − f) × 5 + 1 ≤ 4,
    # from f = 0.4.
    assert refused.retry_after == 50 + 24
    assert hit("r", limit=4, now=10 + refused.retry_after).allowed


def test_old_windows_are_swept():
    hit("old", limit=5, now=0)
    hit("new", limit=5, now=1000)
    assert set(RateWindow.objects.values_list("key", flat=True)) == {"new"}
