import pytest
from django.conf import settings
from django.urls import reverse

from linli.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_pages_are_in_chinese_even_for_an_english_browser(client):
    r = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "手机号" in r.content.decode()
    assert r["Content-Language"] == "zh-hans"


def test_the_language_switch_gives_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    r = client.get(reverse("accounts:login"))
    assert "Mobile number" in r.content.decode()


def test_a_persons_own_language_applies_after_login(client, make_user):
    user = make_user(language="en")
    client.force_login(user)
    assert "My roles" in client.get(reverse("accounts:me")).content.decode()


def test_the_switch_saves_a_logged_in_persons_language(client, make_user):
    user = make_user(language="zh-hans")
    client.force_login(user)
    r = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:me")})
    assert r.status_code == 302
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    [entry] = AuditEntry.objects.filter(action="account.profile_changed")
    assert entry.data == {"language": ["zh-hans", "en"]}
    assert "My roles" in client.get(r["Location"]).content.decode()


def test_switching_back_to_chinese_is_saved_too(client, make_user):
    user = make_user(language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert "我的角色" in client.get(reverse("accounts:me")).content.decode()


def test_the_switch_for_a_visitor_only_sets_the_cookie(client, make_user):
    someone = make_user(language="zh-hans")
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    someone.refresh_from_db()
    assert someone.language == "zh-hans"
    assert not AuditEntry.objects.exists()


def test_an_unknown_language_changes_nothing(client, make_user):
    user = make_user(language="zh-hans")
    client.force_login(user)
    r = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert "我的角色" in client.get(reverse("accounts:me")).content.decode()


def test_switching_to_the_language_already_saved_writes_no_audit(client, make_user):
    user = make_user(language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert not AuditEntry.objects.exists()
