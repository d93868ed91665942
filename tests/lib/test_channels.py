import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import get_connection

from linli.lib import channels
from linli.lib.channels import (
    MemoryWeChatBackend,
    OutgoingMessage,
    Recipient,
    Unreachable,
    get_channel,
    sms_text,
    wechat_payload,
)
from linli.lib.sms import send_sms

SHANGHAI = ZoneInfo("Asia/Shanghai")


def message(**overrides) -> OutgoingMessage:
    fields = {
        "recipient": Recipient(
            name="张明", phone="13800000001", email="zm@example.cn", wechat_openid="oXYZ"
        ),
        "title": "工单已派遣",
        "body": "楼道灯不亮，请尽快处理。",
        "url": "https://linli.example.cn/workorders/9/",
        "created_at": datetime(2026, 5, 4, 9, 30, tzinfo=SHANGHAI),
    }
    return OutgoingMessage(**(fields | overrides))


@pytest.fixture(autouse=True)
def _memory_backends(settings):
    settings.WECHAT_BACKEND = "linli.lib.channels.MemoryWeChatBackend"
    settings.WECHAT_TEMPLATE_ID = "tmpl-9"
    MemoryWeChatBackend.outbox.clear()


def test_send_sms_still_works_on_its_own(_sms_outbox):
    send_sms("13800000001", "验证码 123456")
    assert _sms_outbox == [("13800000001", "验证码 123456")]


def test_the_sms_channel_sends_through_the_sms_backend(_sms_outbox):
    get_channel("sms").send(message())
    assert _sms_outbox == [
        (
            "13800000001",
            "【邻里】工单已派遣：楼道灯不亮，请尽快处理。 详情：https://linli.example.cn/workorders/9/",
        )
    ]


def test_a_long_sms_is_cut_but_keeps_its_link():
    text = sms_text(message(body="很长的描述" * 200))
    assert len(text) <= channels.SMS_MAX_CHARS
    assert text.endswith("详情：https://linli.example.cn/workorders/9/")
    assert "…" in text


def test_messages_follow_the_recipients_language():
    english = message(recipient=Recipient(name="Li", phone="13800000002", language="en"))
    assert sms_text(english).startswith("[Linli] 工单已派遣: ")


def test_the_wechat_payload_has_the_template_message_shape():
    payload = wechat_payload(message(), template_id="tmpl-9")
    assert payload == {
        "touser": "oXYZ",
        "template_id": "tmpl-9",
        "url": "https://linli.example.cn/workorders/9/",
        "data": {
            "first": {"value": "工单已派遣"},
            "keyword1": {"value": "楼道灯不亮，请尽快处理。"},
            "keyword2": {"value": "2026-05-04 09:30"},
            "remark": {"value": "点击查看详情。"},
        },
    }


def test_wechat_keywords_are_cut_to_twenty_characters_and_links_are_optional():
    payload = wechat_payload(message(body="一" * 50, url=""), template_id="t")
    assert len(payload["data"]["keyword1"]["value"]) == 20
    assert "url" not in payload
    assert payload["data"]["remark"]["value"] == "请到邻里的消息中查看。"


def test_the_wechat_channel_posts_to_its_backend():
    get_channel("wechat").send(message())
    assert [p["touser"] for p in MemoryWeChatBackend.outbox] == ["oXYZ"]


def test_the_default_wechat_backend_only_logs(settings, caplog):
    settings.WECHAT_BACKEND = "linli.lib.channels.LoggingWeChatBackend"
    with caplog.at_level(logging.INFO, logger="linli.channels"):
        get_channel("wechat").send(message())
    logged = caplog.records[-1].getMessage()
    assert json.loads(logged.split(": ", 1)[1])["touser"] == "oXYZ"
    assert "工单已派遣" in logged


def test_the_email_channel_sends_chinese_mail():
    get_channel("email").send(message())
    [email] = mail.outbox
    assert email.to == ["zm@example.cn"]
    assert email.subject == "【邻里】工单已派遣"
    assert email.body.startswith("楼道灯不亮，请尽快处理。")
    assert "详情：https://linli.example.cn/workorders/9/" in email.body


def test_the_default_email_backend_only_logs(caplog):
    connection = get_connection("linli.lib.channels.LoggingEmailBackend")
    with caplog.at_level(logging.INFO, logger="linli.channels"):
        sent = mail.send_mail("主题", "正文", None, ["a@example.cn"], connection=connection)
    assert sent == 1
    assert "a@example.cn" in caplog.text and "主题" in caplog.text


@pytest.mark.parametrize("name", ["sms", "wechat", "email"])
def test_a_recipient_without_an_address_is_unreachable(name):
    with pytest.raises(Unreachable):
        get_channel(name).send(message(recipient=Recipient(name="无联系方式")))


def test_the_in_app_channel_sends_nothing(_sms_outbox):
    get_channel("inapp").send(message())
    assert _sms_outbox == [] and mail.outbox == [] and MemoryWeChatBackend.outbox == []


def test_an_unknown_channel_is_an_error():
    with pytest.raises(ValueError):
        get_channel("fax")
    with pytest.raises(ValueError):
        channels.address_for("fax", Recipient(name="x"))
