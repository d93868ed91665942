"""我的设置 over HTTP: every role reaches it, every form answers bad input in Chinese naming
the field (never a 500), the language switch shows on the next page, and repeats are harmless."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from linli.accounts.models import AuditEntry, Role, User
from linli.accounts.tests.factories import PASSWORD, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = reverse("accounts:me")
PROFILE = reverse("accounts:profile_update")
CHANNELS = reverse("accounts:channels_update")
UNBIND = reverse("accounts:wechat_unbind")
PASSWORD_CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "tea-garden-2026"


@pytest.fixture
def user() -> User:
    return UserFactory(name="张秀兰", phone="13812345678")


@pytest.fixture
def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _profile(**changes: str) -> dict[str, str]:
    return {"name": "张秀兰", "email": "", "language": "zh-hans", **changes}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reaches_my_settings_from_the_header(client, role):
    assignment = RoleFactory(role=role)
    client.force_login(assignment.user)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{ME}">{assignment.user.name}</a>' in html
    response = client.get(ME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的设置" in html
    assert assignment.get_role_display() in html
    assert assignment.region.name in html


def test_a_person_without_roles_reaches_my_settings(logged_in):
    response = logged_in.get(ME)
    assert response.status_code == 200
    assert "您还没有任何角色" in response.content.decode()


def test_the_page_shows_the_mobile_number_masked(logged_in):
    html = logged_in.get(ME).content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


def test_the_page_reads_a_fixed_number_of_queries(logged_in, user, django_assert_max_num_queries):
    for role in (Role.RESIDENT, Role.GRID_WORKER, Role.RESPONDER):
        RoleFactory(user=user, role=role)
    with django_assert_max_num_queries(8):
        logged_in.get(ME)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", ME),
        ("post", PROFILE),
        ("post", CHANNELS),
        ("post", UNBIND),
        ("get", PASSWORD_CHANGE),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_saving_the_profile_changes_it_and_says_so(logged_in, user):
    response = logged_in.post(PROFILE, _profile(name="张秀英", email="zxy@example.cn"), follow=True)
    assert response.redirect_chain == [(ME, 302)]
    user.refresh_from_db()
    assert (user.name, user.email) == ("张秀英", "zxy@example.cn")
    assert "已保存" in response.content.decode()


def test_a_bad_email_gets_an_error_on_the_email_field(logged_in, user):
    response = logged_in.post(PROFILE, _profile(email="zhang@", name="别的名字"))
    assert response.status_code == 200
    form = response.context["profile_form"]
    assert form.errors == {"email": ["电子邮箱：请填写形如 name@example.com 的地址，或者留空。"]}
    html = response.content.decode()
    assert "电子邮箱：请填写形如" in html
    assert 'aria-invalid="true"' in html
    user.refresh_from_db()
    assert (user.name, user.email) == ("张秀兰", "")
    # The header still shows the saved name, not the refused one.
    assert f'href="{ME}">张秀兰</a>' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_profile(name=""), "name", "姓名：请填写您的姓名。"),
        (_profile(name="名" * 51), "name", "姓名：请不要超过 50 个字。"),
        (_profile(language="fr"), "language", "语言：请从列表中选择。"),
        ({}, "language", "语言：请选择一种。"),
    ],
)
def test_bad_profile_input_is_answered_in_chinese_naming_the_field(logged_in, data, field, message):
    response = logged_in.post(PROFILE, data)
    assert response.status_code == 200
    assert message in response.context["profile_form"].errors[field]


def test_switching_to_english_changes_the_next_page(logged_in, user):
    response = logged_in.post(PROFILE, _profile(language="en"), follow=True)
    user.refresh_from_db()
    assert user.language == "en"
    html = response.content.decode()
    assert "My settings" in html
    assert "Saved." in html  # the confirmation is already in the new language
    assert logged_in.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = logged_in.post(PROFILE, _profile(language="zh-hans"), follow=True)
    assert "我的设置" in response.content.decode()


def test_the_setting_wins_over_an_earlier_header_switch(logged_in):
    logged_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My settings" in logged_in.get(ME).content.decode()
    logged_in.post(PROFILE, _profile(language="zh-hans"))
    assert "我的设置" in logged_in.get(ME).content.decode()


def test_saving_the_same_profile_twice_is_harmless(logged_in):
    logged_in.post(PROFILE, _profile(name="张秀英"))
    response = logged_in.post(PROFILE, _profile(name="张秀英"), follow=True)
    assert "没有需要修改的内容" in response.content.decode()
    assert AuditEntry.objects.filter(action="account.profile_changed").count() == 1


def test_choosing_channels_keeps_the_choice(logged_in, user, settings):
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms", "wechat", "email"]
    response = logged_in.post(CHANNELS, {"sms": "on"}, follow=True)
    assert "已保存" in response.content.decode()
    user.refresh_from_db()
    assert (user.notify_by_sms, user.notify_by_wechat, user.notify_by_email) == (True, False, False)
    html = logged_in.get(ME).content.decode()
    assert 'name="sms" id="id_sms" checked' in html
    assert 'name="email" id="id_email"' in html and 'name="email" id="id_email" checked' not in html


def test_a_channel_the_platform_has_not_enabled_cannot_be_changed(logged_in, user, settings):
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms"]
    logged_in.post(CHANNELS, {})  # sms off; wechat and email keep their value
    user.refresh_from_db()
    assert (user.notify_by_sms, user.notify_by_wechat, user.notify_by_email) == (False, True, True)
    html = logged_in.get(ME).content.decode()
    assert "本平台暂未开通邮件通知" in html
    assert "本平台暂未开通微信通知" in html


def test_wechat_shows_unbound_with_how_to_bind(logged_in):
    html = logged_in.get(ME).content.decode()
    assert "未绑定" in html
    assert "在微信中打开邻里即可绑定" in html
    assert UNBIND not in html


def test_unbinding_wechat_twice_is_harmless(client):
    user = UserFactory(wechat_openid="oABC123")
    client.force_login(user)
    assert "已绑定" in client.get(ME).content.decode()
    assert "已解除微信绑定" in client.post(UNBIND, follow=True).content.decode()
    assert "没有绑定微信" in client.post(UNBIND, follow=True).content.decode()
    user.refresh_from_db()
    assert user.wechat_openid == ""
    assert client.get(UNBIND).status_code == 405


def _password_form(client: Client) -> dict[str, str]:
    token = client.get(PASSWORD_CHANGE).context["form"].initial["token"]
    return {
        "current_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        "token": token,
    }


def test_changing_the_password_keeps_this_session_and_ends_the_others(logged_in, user):
    other_device = Client()
    other_device.force_login(user)
    response = logged_in.post(PASSWORD_CHANGE, _password_form(logged_in), follow=True)
    assert response.redirect_chain == [(ME, 302)]
    assert "密码已修改" in response.content.decode()
    assert logged_in.get(ME).status_code == 200
    assert other_device.get(ME).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_submitting_the_same_password_change_twice_is_harmless(logged_in, user):
    data = _password_form(logged_in)
    logged_in.post(PASSWORD_CHANGE, data)
    response = logged_in.post(PASSWORD_CHANGE, data, follow=True)
    assert "您的密码已经修改过了" in response.content.decode()
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"current_password": "guess-1234"},
            "current_password",
            "当前密码：不正确，请检查后重试。",
        ),
        ({"current_password": ""}, "current_password", "当前密码：请填写您现在登录用的密码。"),
        ({"new_password2": "tea-garden-2025"}, "new_password2", "再次输入新密码：与新密码不一致。"),
        (
            {"new_password1": "12345678", "new_password2": "12345678"},
            "new_password1",
            "新密码：这个密码太常见了。",
        ),
    ],
)
def test_bad_password_input_is_answered_in_chinese_naming_the_field(
    logged_in, user, changes, field, message
):
    response = logged_in.post(PASSWORD_CHANGE, {**_password_form(logged_in), **changes})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_repeated_wrong_current_passwords_lock_the_account_as_the_login_does(
    logged_in, user, settings
):
    settings.LOGIN_MAX_FAILURES = 3
    data = {**_password_form(logged_in), "current_password": "guess-1234"}
    for _ in range(3):
        response = logged_in.post(PASSWORD_CHANGE, data)
    assert "尝试次数过多" in response.content.decode()
    response = logged_in.post(PASSWORD_CHANGE, _password_form(logged_in))
    assert "尝试次数过多" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    login = Client().post(reverse("accounts:login"), {"phone": user.phone, "password": PASSWORD})
    assert "尝试次数过多" in login.content.decode()


def test_garbage_posts_never_fail(logged_in):
    garbage = {"name": "\x00" * 3, "language": ["en", "zh"], "sms": "x" * 5000, "token": "x" * 99}
    for url in (PROFILE, CHANNELS, PASSWORD_CHANGE):
        response = logged_in.post(url, garbage)
        assert response.status_code in (200, 302)
    response = logged_in.post(PROFILE, garbage)
    assert "姓名：含有不允许的字符，请重新输入。" in response.context["profile_form"].errors["name"]
