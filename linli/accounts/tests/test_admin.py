"""The User admin shows where a person's notifications go."""

import pytest
from django.urls import reverse

from linli.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_admin_shows_email_language_and_channels(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory(email="z@example.cn", language="en", notify_by_sms=False)
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    for field in ("email", "language", "notify_by_sms", "notify_by_wechat", "notify_by_email"):
        assert f'name="{field}"' in page
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "z@example.cn" in listing


def test_user_admin_saves_a_changed_channel(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory(name="张秀兰", email="", language="zh-hans")
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = {
        "phone": person.phone,
        "name": person.name,
        "email": "zxl@example.cn",
        "language": "en",
        "notify_by_sms": "on",
        "is_active": "on",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    r = client.post(url, form)
    assert r.status_code == 302, r.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.email, person.language, person.notify_by_sms, person.notify_by_email) == (
        "zxl@example.cn",
        "en",
        True,
        False,
    )
