import pytest
import time_machine
from django.urls import reverse

from linli.accounts.models import OneTimeCode, User
from linli.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_phone_and_password(client):
    user = UserFactory(phone="13800138000")
    r = client.post(reverse("accounts:login"), {"phone": "138 0013 8000", "password": PASSWORD})
    assert r.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_rejects_a_wrong_password_in_chinese(client):
    UserFactory(phone="13800138000")
    r = client.post(reverse("accounts:login"), {"phone": "13800138000", "password": "nope"})
    assert r.status_code == 200
    assert "手机号或密码错误" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_names_a_malformed_phone(client):
    r = client.post(reverse("accounts:login"), {"phone": "12345", "password": "x"})
    assert "11位" in r.content.decode()


def test_it_locks_out_after_repeated_failures(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory(phone="13800138000")
    with time_machine.travel("2026-11-28 10:00 +0800", tick=False):
        for _ in range(3):
            client.post(reverse("accounts:login"), {"phone": user.phone, "password": "bad"})
        r = client.post(reverse("accounts:login"), {"phone": user.phone, "password": PASSWORD})
        assert "_auth_user_id" not in client.session
        assert "尝试次数过多" in r.content.decode()
    user.refresh_from_db()
    assert user.locked_until is not None
    with time_machine.travel("2026-11-28 10:16 +0800", tick=False):
        client.post(reverse("accounts:login"), {"phone": user.phone, "password": PASSWORD})
        assert int(client.session["_auth_user_id"]) == user.pk


def test_it_logs_in_with_an_sms_code(client, _sms_outbox, django_capture_on_commit_callbacks):
    user = UserFactory(phone="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:send_code"), {"phone": user.phone})
    assert len(_sms_outbox) == 1
    phone, text = _sms_outbox[0]
    assert phone == user.phone and "验证码" in text
    code = "".join(ch for ch in text if ch.isdigit())[:6]
    r = client.post(reverse("accounts:login_code"), {"phone": user.phone, "code": code})
    assert r.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    # A code works once.
    client.logout()
    client.post(reverse("accounts:login_code"), {"phone": user.phone, "code": code})
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_counts_and_is_kept(client):
    user = UserFactory(phone="13800138000")
    client.post(reverse("accounts:send_code"), {"phone": user.phone})
    r = client.post(reverse("accounts:login_code"), {"phone": user.phone, "code": "000000"})
    assert "验证码错误" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert OneTimeCode.objects.get().attempts == 1
    assert User.objects.get(pk=user.pk).failed_logins == 1


def test_unknown_numbers_get_no_sms_but_the_same_answer(client, _sms_outbox):
    r = client.post(reverse("accounts:send_code"), {"phone": "13900000000"})
    assert r.status_code == 200
    assert _sms_outbox == []


def test_codes_cannot_be_requested_twice_in_a_minute(
    client, _sms_outbox, django_capture_on_commit_callbacks
):
    user = UserFactory(phone="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:send_code"), {"phone": user.phone})
        r = client.post(reverse("accounts:send_code"), {"phone": user.phone})
    assert len(_sms_outbox) == 1
    assert "请稍候一分钟" in r.content.decode()


@pytest.mark.parametrize("mode", ["password", "code"])
def test_login_labels_carry_no_ascii_colon(client, mode):
    page = client.get(reverse("accounts:login"), {"mode": mode}).content.decode()
    assert ">手机号</label>" in page
    assert "手机号:" not in page
