import pytest
from django.urls import reverse

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
