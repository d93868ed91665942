"""Tokens for apps: made from a password (with the login page's lockout), used as Bearer,
revoked by their owner, by an administrator or by themselves; and the session of the
site's own pages, with its CSRF check."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linli.accounts.models import AuditEntry
from linli.accounts.tests.factories import PASSWORD
from linli.api.access.models import ApiToken
from linli.api.access.tokens import hash_key, issue_token
from linli.api.tests.api_setup import *  # noqa: F403
from linli.api.tests.api_setup import API

pytestmark = pytest.mark.django_db


def _login(client: Client, phone: str, password: str, **extra: Any) -> Any:
    return client.post(
        f"{API}/auth/token",
        {"phone": phone, "password": password, **extra},
        content_type="application/json",
    )


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_password_gives_a_token_that_works_until_revoked(make_user, client):
    user = make_user(name="网格员甲")
    answer = _login(client, user.phone, PASSWORD, name="巡查 App")
    assert answer.status_code == 201, answer.content
    key = answer.json()["token"]
    assert key.startswith("linli_") and answer.json()["user"]["name"] == "网格员甲"

    me = client.get(f"{API}/me", headers=_bearer(key))
    assert me.status_code == 200 and me.json()["phone"] == user.phone

    assert client.delete(f"{API}/auth/token", headers=_bearer(key)).status_code == 204
    again = client.get(f"{API}/me", headers=_bearer(key))
    assert again.status_code == 401
    assert again.json()["code"] == "not_authenticated"


def test_only_a_hash_of_the_key_is_stored(make_user):
    user = make_user()
    token, key = issue_token(user=user, name="sync", by=user)
    stored = ApiToken.objects.values_list("key_hash", "prefix").get(pk=token.pk)
    assert stored == (hash_key(key), key[:12])
    assert key not in str(list(ApiToken.objects.values()))
    assert AuditEntry.objects.filter(action="api_token.created", target_id=str(token.pk)).exists()


def test_a_wrong_password_is_refused_in_chinese(make_user, client):
    user = make_user()
    answer = _login(client, user.phone, "wrong")
    assert answer.status_code == 401
    assert answer.json()["code"] == "login_failed"
    assert "密码" in answer.json()["message"]


def test_repeated_failures_lock_the_number_as_on_the_login_page(make_user, client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = make_user()
    for _ in range(3):
        assert _login(client, user.phone, "wrong").status_code == 401
    locked = _login(client, user.phone, PASSWORD)
    assert locked.status_code == 401
    assert "之后再试" in locked.json()["message"] or "再试" in locked.json()["message"]
    user.refresh_from_db()
    assert user.is_locked()


def test_a_revoked_token_is_refused_at_once(make_user, client):
    user = make_user()
    token, key = issue_token(user=user, name="old", by=user)
    assert client.get(f"{API}/me", headers=_bearer(key)).status_code == 200
    client.force_login(user)
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    client.logout()
    answer = client.get(f"{API}/me", headers=_bearer(key))
    assert answer.status_code == 401
    assert answer.json()["message"]


def test_a_disabled_persons_token_is_refused(make_user, client):
    user = make_user()
    _token, key = issue_token(user=user, name="app", by=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(f"{API}/me", headers=_bearer(key)).status_code == 401


def test_garbage_tokens_are_refused(client):
    for value in ["Bearer", "Bearer nonsense", "Bearer linli_" + "x" * 300, "Basic abc"]:
        answer = client.get(f"{API}/me", headers={"Authorization": value})
        assert answer.status_code == 401, value


def test_a_person_past_the_cap_loses_the_least_recently_used_token(make_user, settings):
    settings.API_TOKENS_PER_USER = 2
    user = make_user()
    first, _ = issue_token(user=user, name="1", by=user)
    issue_token(user=user, name="2", by=user)
    issue_token(user=user, name="3", by=user)
    first.refresh_from_db()
    assert first.revoked
    assert ApiToken.objects.active().filter(user=user).count() == 2


def test_the_tokens_page_shows_a_new_key_once_and_revokes(make_user, client):
    user = make_user()
    client.force_login(user)
    page = client.post(reverse("api_tokens:tokens"), {"name": "12345 同步"})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key in page.content.decode()
    assert client.get(reverse("api_tokens:tokens")).content.decode().count(key) == 0
    token = ApiToken.objects.get(user=user)
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked


def test_nobody_revokes_another_persons_token(make_user, client):
    owner, other = make_user(), make_user()
    token, _ = issue_token(user=owner, name="mine", by=owner)
    client.force_login(other)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_the_tokens_page_names_a_missing_name_in_chinese(make_user, client):
    client.force_login(make_user())
    page = client.post(reverse("api_tokens:tokens"), {"name": ""})
    assert page.status_code == 400
    assert "名称" in page.content.decode()


def test_an_administrator_makes_and_revokes_tokens_in_the_admin(make_user, client):
    admin_user = make_user(is_staff=True, is_superuser=True)
    someone = make_user()
    client.force_login(admin_user)
    added = client.post(
        reverse("admin:api_apitoken_add"), {"user": someone.pk, "name": "大屏厂商"}, follow=True
    )
    assert added.status_code == 200
    token = ApiToken.objects.get(user=someone)
    assert token.created_by == admin_user
    shown = [str(m) for m in added.context["messages"]]
    assert any(token.prefix in m for m in shown)
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked and token.revoked_by == admin_user


def test_the_sites_own_pages_use_the_session(make_user):
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(f"{API}/me").json()["id"] == user.pk
    refused = client.post(f"{API}/notifications/read-all", content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    client.get(reverse("api_tokens:tokens"))  # sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    allowed = client.post(
        f"{API}/notifications/read-all",
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert allowed.status_code == 200


def test_a_token_needs_no_csrf_token(make_user):
    user = make_user()
    _token, key = issue_token(user=user, name="app", by=user)
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        f"{API}/notifications/read-all", content_type="application/json", headers=_bearer(key)
    )
    assert answer.status_code == 200


def test_nothing_but_the_token_route_answers_without_signing_in(client):
    assert client.get(f"{API}/orders").status_code == 401
    assert client.get(f"{API}/regions").status_code == 401
    assert client.post(f"{API}/orders", {}, content_type="application/json").status_code == 401


@pytest.mark.parametrize(
    ("role", "shown"),
    [("admin", True), ("dispatcher", True), ("grid_worker", False), ("leader", False)],
)
def test_the_api_tokens_page_is_in_the_menu_of_those_who_connect_systems(
    client, make_user, city_tree, role, shown
):
    client.force_login(make_user(role, city_tree["grid1a"]))
    page = client.get("/accounts/inbox/").content.decode()
    assert (reverse("api_tokens:tokens") in page) is shown
