from datetime import timedelta

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import default_task_backend

from linli.accounts import notifications
from linli.accounts.models import DeliveryStatus, Notification, NotificationDelivery, Role
from linli.accounts.notifications import deliver_notification, notify
from linli.accounts.tests.factories import RoleFactory, UserFactory
from linli.lib.channels import MemoryWeChatBackend

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class FlakySmsBackend:
    """Fails the first `failures` sends, then records them."""

    failures = 0
    calls = 0
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        FlakySmsBackend.calls += 1
        if FlakySmsBackend.calls <= FlakySmsBackend.failures:
            raise ConnectionError("gateway timed out")
        FlakySmsBackend.sent.append((phone, text))


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms"]
    settings.SITE_URL = "https://linli.example.cn"
    settings.WECHAT_BACKEND = "linli.lib.channels.MemoryWeChatBackend"
    settings.WECHAT_TEMPLATE_ID = "tmpl-123"
    MemoryWeChatBackend.outbox.clear()


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_BACKEND = "linli.accounts.tests.test_notifications.FlakySmsBackend"
    FlakySmsBackend.failures = 0
    FlakySmsBackend.calls = 0
    FlakySmsBackend.sent = []
    return FlakySmsBackend


def test_notify_writes_an_inbox_row_worded_for_the_recipient(django_capture_on_commit_callbacks):
    chinese = UserFactory()
    english = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=chinese, title=gettext_lazy("Messages"), body="", kind="test")
        notify(user=english, title=gettext_lazy("Messages"), body="", kind="test")
    assert Notification.objects.get(user=chinese).title == "消息"
    assert Notification.objects.get(user=english).title == "Messages"


def test_params_fill_the_message(django_capture_on_commit_callbacks):
    user = UserFactory()
    note = notify(user=user, title="工单 %(number)s 已派遣", body="请处理", params={"number": 12})
    assert note.title == "工单 12 已派遣"
    assert note.read_at is None


def test_delivery_is_enqueued_only_on_commit(_sms_outbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(user=user, title="您的工单已受理", body="网格员会尽快联系您。", url="/workorders/1/")
    assert len(callbacks) == 1
    assert _sms_outbox == []
    assert not NotificationDelivery.objects.exists()
    callbacks[0]()
    assert _sms_outbox == [
        (
            user.phone,
            "【邻里】您的工单已受理：网格员会尽快联系您。 详情：https://linli.example.cn/workorders/1/",
        )
    ]
    delivery = NotificationDelivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("sms", "sent", 1)
    assert delivery.delivered_at is not None


def test_a_rolled_back_notification_sends_nothing(_sms_outbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            from django.db import transaction

            with transaction.atomic():
                notify(user=user, title="标题", body="正文")
                raise RuntimeError("the order could not be saved")
        except RuntimeError:
            pass
    assert callbacks == []
    assert _sms_outbox == []
    assert not Notification.objects.exists()


def test_every_channel_gets_chinese_text(settings, _sms_outbox, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms", "wechat", "email"]
    user = UserFactory(email="zhang@example.cn", wechat_openid="oABC123")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=user,
            title="工单已派遣给您",
            body="路灯不亮，请在两个工作日内处理完毕并上传照片。",
            url="/workorders/7/",
        )
    assert _sms_outbox[0][1].startswith("【邻里】工单已派遣给您：")
    [payload] = MemoryWeChatBackend.outbox
    assert payload["touser"] == "oABC123"
    assert payload["template_id"] == "tmpl-123"
    assert payload["url"] == "https://linli.example.cn/workorders/7/"
    assert set(payload["data"]) == {"first", "keyword1", "keyword2", "remark"}
    assert payload["data"]["first"]["value"] == "工单已派遣给您"
    assert len(payload["data"]["keyword1"]["value"]) <= 20
    assert payload["data"]["remark"]["value"] == "点击查看详情。"
    [email] = mail.outbox
    assert email.to == ["zhang@example.cn"]
    assert email.subject == "【邻里】工单已派遣给您"
    assert "详情：https://linli.example.cn/workorders/7/" in email.body
    assert set(NotificationDelivery.objects.values_list("channel", "status")) == {
        ("sms", "sent"),
        ("wechat", "sent"),
        ("email", "sent"),
    }


def test_channels_without_an_address_or_not_enabled_are_skipped(
    settings, _sms_outbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms", "wechat"]
    user = UserFactory(email="li@example.cn")  # no openid; e-mail not enabled
    assert notifications.delivery_channels(user) == ["sms"]
    assert notifications.delivery_channels(user, ["email", "wechat", "inapp"]) == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user=user, title="标题", body="正文", channels=["inapp"])
    assert callbacks == []
    assert Notification.objects.filter(user=user).count() == 1


def test_unknown_channels_and_outside_links_are_refused():
    user = UserFactory()
    with pytest.raises(ValueError):
        notify(user=user, title="标题", body="正文", channels=["fax"])
    for url in ("https://evil.example.com/", "//evil.example.com/", "workorders/1/"):
        with pytest.raises(ValueError):
            notify(user=user, title="标题", body="正文", url=url)


def test_a_failing_channel_is_retried_until_it_works(flaky_sms, django_capture_on_commit_callbacks):
    flaky_sms.failures = 2
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="标题", body="正文")
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert len(flaky_sms.sent) == 1
    assert delivery.last_error == ""


def test_a_channel_that_keeps_failing_is_given_up_and_recorded(
    flaky_sms, django_capture_on_commit_callbacks
):
    flaky_sms.failures = 100
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="标题", body="正文")
    delivery = NotificationDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(notifications.RETRY_DELAYS) + 1
    assert delivery.last_error == "ConnectionError: gateway timed out"
    assert Notification.objects.get().read_at is None  # the inbox copy is still there


def test_retries_wait_longer_each_time_on_a_queue_that_can_wait(settings, flaky_sms):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    flaky_sms.failures = 1
    note = Notification.objects.create(user=UserFactory(), title="标题")
    before = timezone.now()
    assert deliver_notification.call(note.pk, ["sms"], 1) == ["sms"]
    [retry] = default_task_backend.results
    assert retry.args == [note.pk, ["sms"], 2]
    assert retry.task.run_after >= before + timedelta(seconds=notifications.RETRY_DELAYS[0])
    assert NotificationDelivery.objects.get().status == DeliveryStatus.RETRYING
    assert deliver_notification.call(note.pk, ["sms"], 2) == []
    assert NotificationDelivery.objects.get().status == DeliveryStatus.SENT


def test_running_a_delivery_twice_sends_once(_sms_outbox):
    note = Notification.objects.create(user=UserFactory(), title="标题")
    deliver_notification.call(note.pk, ["sms"])
    deliver_notification.call(note.pk, ["sms"])
    assert len(_sms_outbox) == 1


def test_a_removed_address_is_recorded_as_unreachable(settings):
    settings.NOTIFICATION_CHANNELS = ["inapp", "email"]
    note = Notification.objects.create(user=UserFactory(email=""), title="标题")
    assert deliver_notification.call(note.pk, ["email"]) == []
    assert NotificationDelivery.objects.get().status == DeliveryStatus.UNREACHABLE


# The inbox page.


@pytest.fixture
def inbox_user(client):
    user = UserFactory()
    client.force_login(user)
    old = Notification.objects.create(
        user=user,
        title="已读的旧消息",
        created_at=timezone.now() - timedelta(days=2),
        read_at=timezone.now() - timedelta(days=1),
    )
    new = Notification.objects.create(user=user, title="新工单待处理", url="/accounts/me/")
    unread_old = Notification.objects.create(
        user=user, title="较早的未读消息", created_at=timezone.now() - timedelta(days=3)
    )
    return user, old, new, unread_old


def test_the_inbox_lists_unread_first_then_newest(client, inbox_user):
    response = client.get(reverse("accounts:inbox"))
    assert response.status_code == 200
    page = [n.title for n in response.context["page"].object_list]
    assert page == ["新工单待处理", "较早的未读消息", "已读的旧消息"]
    html = response.content.decode()
    assert "消息" in html
    assert "全部标为已读" in html
    assert "2 条未读" in html


def test_the_inbox_shows_only_ones_own_messages(client, inbox_user):
    Notification.objects.create(user=UserFactory(), title="别人的消息")
    response = client.get(reverse("accounts:inbox"))
    assert "别人的消息" not in response.content.decode()


def test_the_inbox_page_takes_a_fixed_number_of_queries(
    client, inbox_user, django_assert_max_num_queries
):
    user = inbox_user[0]
    Notification.objects.bulk_create(
        Notification(user=user, title=f"消息{i}", body="正文") for i in range(60)
    )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:inbox"))
    assert len(response.context["page"].object_list) == 30


def test_marking_read_returns_to_the_inbox(client, inbox_user):
    _, _, new, _ = inbox_user
    response = client.post(reverse("accounts:notification_read", args=[new.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:inbox")
    new.refresh_from_db()
    assert new.read_at is not None


def test_opening_a_message_marks_it_read_and_follows_its_link(client, inbox_user):
    _, _, new, _ = inbox_user
    response = client.post(reverse("accounts:notification_read", args=[new.pk]), {"open": "1"})
    assert response["Location"] == "/accounts/me/"
    new.refresh_from_db()
    assert new.read_at is not None


def test_marking_read_with_htmx_returns_the_item(client, inbox_user):
    _, _, new, _ = inbox_user
    response = client.post(
        reverse("accounts:notification_read", args=[new.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.strip().startswith("<li")
    assert "新工单待处理" in html
    assert "未读" not in html


def test_marking_read_needs_a_post(client, inbox_user):
    _, _, new, _ = inbox_user
    assert client.get(reverse("accounts:notification_read", args=[new.pk])).status_code == 405


def test_only_the_owner_can_mark_a_message_read(client, inbox_user):
    other = Notification.objects.create(user=UserFactory(), title="别人的消息")
    response = client.post(reverse("accounts:notification_read", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    missing = client.post(reverse("accounts:notification_read", args=[other.pk + 1000]))
    assert missing.status_code == 404


def test_mark_all_read(client, inbox_user):
    client.post(reverse("accounts:notifications_read_all"))
    assert not Notification.objects.for_user(inbox_user[0]).unread().exists()
    html = client.get(reverse("accounts:inbox")).content.decode()
    assert "全部标为已读" not in html


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("accounts:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_empty_inbox_says_so(client):
    client.force_login(UserFactory())
    assert "还没有消息" in client.get(reverse("accounts:inbox")).content.decode()


def test_the_header_tags_show_the_unread_count(rf, inbox_user):
    request = rf.get("/")
    request.user = inbox_user[0]
    template = Template("{% load inbox %}[{% unread_count %}] {% inbox_link %}")
    html = template.render(Context({"request": request}))
    assert html.startswith("[2] ")
    assert 'href="/accounts/inbox/"' in html
    assert "消息" in html
    assert '<span class="badge"' in html


def test_anonymous_visitors_have_no_unread_count(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert (
        Template("{% load inbox %}{% unread_count %}").render(Context({"request": request})) == "0"
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_messages_with_the_unread_count_in_the_header(role, client):
    user = RoleFactory(role=role).user
    Notification.objects.create(user=user, title="新消息")
    client.force_login(user)
    html = client.get(reverse("accounts:me")).content.decode()
    assert 'href="/accounts/inbox/">消息 <span class="badge"' in html


@pytest.mark.browser
def test_a_resident_reads_messages_on_a_phone(live_server, page, client):
    user = RoleFactory(role=Role.RESIDENT).user
    Notification.objects.create(user=user, title="您的工单已受理", body="网格员会联系您。")
    Notification.objects.create(user=user, title="工单已办结", url="/accounts/me/")
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/inbox/")
    page.locator(".account").get_by_role("link", name="消息").wait_for()
    assert page.get_by_text("2 条未读").is_visible()
    first = page.get_by_role("listitem").filter(has_text="您的工单已受理")
    first.get_by_role("button", name="标为已读").click()
    first.get_by_role("button", name="标为已读").wait_for(state="detached")
    assert first.get_by_text("未读").count() == 0
    page.get_by_role("listitem").filter(has_text="工单已办结").get_by_role(
        "button", name="查看"
    ).click()
    page.wait_for_url(f"{live_server.url}/accounts/me/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


# The person's own choice of channels (我的设置).


def test_the_persons_choice_of_channels_limits_delivery(settings):
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms", "wechat", "email"]
    user = UserFactory(email="zhang@example.cn", wechat_openid="oABC123")
    assert notifications.delivery_channels(user) == ["sms", "wechat", "email"]
    user.notify_by_sms = False
    user.notify_by_email = False
    assert notifications.delivery_channels(user) == ["wechat"]


def test_the_persons_choice_wins_over_the_callers_request():
    user = UserFactory(notify_by_sms=False)
    assert notifications.delivery_channels(user, ["sms"]) == []


def test_a_person_who_turned_sms_off_gets_the_inbox_message_but_no_sms(
    _sms_outbox, django_capture_on_commit_callbacks
):
    user = UserFactory(notify_by_sms=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user=user, title="您的工单已受理", body="网格员会尽快联系您。")
    assert callbacks == []
    assert _sms_outbox == []
    assert Notification.objects.filter(user=user).count() == 1
    assert not NotificationDelivery.objects.exists()


def test_only_chosen_channels_send_when_every_channel_is_enabled(
    settings, _sms_outbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_CHANNELS = ["inapp", "sms", "wechat", "email"]
    user = UserFactory(email="zhang@example.cn", wechat_openid="oABC123", notify_by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="工单已派遣给您", body="请处理。")
    assert len(_sms_outbox) == 1
    assert len(MemoryWeChatBackend.outbox) == 1
    assert mail.outbox == []
    assert set(NotificationDelivery.objects.values_list("channel", flat=True)) == {"sms", "wechat"}


def test_with_tasks_in_the_database_the_delivery_task_commits_with_the_notification(settings):
    """The default backend: the task row is written in the notification's own transaction
    (no second transaction after commit), so it exists exactly when the notification does."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = UserFactory()
    try:
        with transaction.atomic():
            notify(user=user, title="标题", body="正文")
            assert DBTaskResult.objects.count() == 1
            raise RuntimeError("the order could not be saved")
    except RuntimeError:
        pass
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()
    note = notify(user=user, title="标题", body="正文")
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("deliver_notification")
    assert task.args_kwargs["args"][:2] == [note.pk, ["sms"]]
