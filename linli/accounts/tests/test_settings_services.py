"""Services behind 我的设置: profile, notification channels, WeChat binding, password."""

import pytest
from django.core.exceptions import ValidationError

from linli.accounts import services
from linli.accounts.models import AuditEntry, Notification, User
from linli.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "tea-garden-2026"


def _audits(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def test_update_profile_changes_name_email_and_language_and_audits_them():
    user = UserFactory(name="张三", email="")
    changed = services.update_profile(
        user=user, name=" 张秀兰 ", email="Zhang@Example.CN", language="en"
    )
    assert changed == ["name", "email", "language"]
    user.refresh_from_db()
    assert (user.name, user.email, user.language) == ("张秀兰", "Zhang@example.cn", "en")
    [entry] = _audits("account.profile_changed")
    assert entry.actor == user
    assert entry.data == {
        "name": ["张三", "张秀兰"],
        "email": ["", "Zhang@example.cn"],
        "language": ["zh-hans", "en"],
    }


def test_update_profile_updates_the_callers_instance():
    user = UserFactory()
    services.update_profile(user=user, name="李四", email="", language="en")
    assert (user.name, user.language) == ("李四", "en")


def test_saving_the_same_profile_again_writes_nothing():
    user = UserFactory(name="张秀兰", email="z@example.cn")
    assert (
        services.update_profile(user=user, name="张秀兰", email="z@example.cn", language="zh-hans")
        == []
    )
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("language", {"name": "张三", "email": "", "language": "fr"}),
        ("email", {"name": "张三", "email": "not-an-address", "language": "zh-hans"}),
        ("name", {"name": "  ", "email": "", "language": "zh-hans"}),
    ],
)
def test_update_profile_refuses_bad_values_and_changes_nothing(field, values):
    user = UserFactory(name="王五")
    with pytest.raises(ValidationError) as caught:
        services.update_profile(user=user, **values)
    assert field in caught.value.error_dict
    user.refresh_from_db()
    assert (user.name, user.email, user.language) == ("王五", "", "zh-hans")
    assert not AuditEntry.objects.exists()


def test_channels_not_named_are_turned_off_and_the_change_is_audited():
    user = UserFactory()
    assert services.set_notification_channels(user=user, channels=["sms"]) == ["wechat", "email"]
    user.refresh_from_db()
    assert (user.notify_by_sms, user.notify_by_wechat, user.notify_by_email) == (True, False, False)
    [entry] = _audits("account.notification_channels_changed")
    assert entry.data == {"wechat": False, "email": False}


def test_setting_the_same_channels_again_writes_nothing():
    user = UserFactory(notify_by_email=False)
    assert services.set_notification_channels(user=user, channels=["sms", "wechat"]) == []
    assert not AuditEntry.objects.exists()


def test_unknown_channels_are_refused():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.set_notification_channels(user=user, channels=["sms", "fax"])
    user.refresh_from_db()
    assert user.notify_by_sms and user.notify_by_wechat and user.notify_by_email


def test_unbinding_wechat_forgets_the_openid_once():
    user = UserFactory(wechat_openid="oABC123")
    assert services.unbind_wechat(user=user) is True
    assert services.unbind_wechat(user=user) is False
    user.refresh_from_db()
    assert user.wechat_openid == ""
    assert len(_audits("account.wechat_unbound")) == 1


def test_change_password_sets_the_new_one_audits_and_tells_the_person(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(failed_logins=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_password(user=user, current=PASSWORD, new=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.failed_logins == 0
    assert len(_audits("account.password_changed")) == 1
    assert Notification.objects.get(user=user).title == "您的邻里登录密码已修改"


def test_a_wrong_current_password_counts_as_a_failed_login():
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.change_password(user=user, current="guess-1234", new=NEW_PASSWORD)
    assert caught.value.message_dict["current_password"] == ["当前密码：不正确，请检查后重试。"]
    user.refresh_from_db()
    assert user.failed_logins == 1
    assert user.check_password(PASSWORD)


def test_too_many_wrong_current_passwords_lock_the_account(settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory()
    for _ in range(2):
        with pytest.raises(ValidationError):
            services.change_password(user=user, current="guess-1234", new=NEW_PASSWORD)
    with pytest.raises(ValidationError) as caught:
        services.change_password(user=user, current="guess-1234", new=NEW_PASSWORD)
    assert "尝试次数过多" in caught.value.messages[0]
    user.refresh_from_db()
    assert user.is_locked()
    assert len(_audits("account.locked")) == 1
    # Locked: even the right current password changes nothing.
    with pytest.raises(ValidationError):
        services.change_password(user=user, current=PASSWORD, new=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["12345678", "password", "ab1"])
def test_a_weak_new_password_is_refused_naming_the_field(weak):
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.change_password(user=user, current=PASSWORD, new=weak)
    errors = caught.value.message_dict["new_password1"]
    assert errors and all(e.startswith("新密码：") for e in errors)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.failed_logins == 0


def test_the_new_password_must_differ_from_the_current_one():
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.change_password(user=user, current=PASSWORD, new=PASSWORD)
    assert "new_password1" in caught.value.message_dict


def test_an_account_without_a_password_cannot_change_one_and_is_not_counted():
    user = User.objects.create_user("13900001111", None, name="无密码")
    with pytest.raises(ValidationError):
        services.change_password(user=user, current="", new=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_set_own_language_refuses_an_unknown_language():
    user = UserFactory(language="zh-hans")
    with pytest.raises(ValidationError):
        services.set_own_language(user=user, language="fr")
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert not AuditEntry.objects.exists()
