"""Outside delivery channels for notifications: one interface, one adapter per channel.

Every adapter takes an `OutgoingMessage` (already worded in the recipient's language) and
hands it to a backend named in settings, so a deployment swaps a gateway without touching
code. Every default backend only writes to the log: nothing needs an outside account.

    inapp   the inbox row itself (written by accounts.notifications.notify); sends nothing
    sms     settings.SMS_BACKEND through linli.lib.sms.send_sms
    wechat  settings.WECHAT_BACKEND, given a WeChat official-account template message payload
    email   settings.EMAIL_BACKEND through Django's mail

An adapter raises `Unreachable` when the recipient has no address on its channel (nothing to
retry) and lets any other error out (the caller records it and retries later).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.lib.sms import send_sms

logger = logging.getLogger("linli.channels")

INAPP = "inapp"
SMS = "sms"
WECHAT = "wechat"
EMAIL = "email"
CHANNEL_NAMES = (INAPP, SMS, WECHAT, EMAIL)

# WeChat shows at most 20 characters in a template keyword; longer values are refused.
WECHAT_KEYWORD_MAX = 20
# One SMS is 70 Chinese characters; gateways join up to about five, then refuse.
SMS_MAX_CHARS = 300


class Unreachable(Exception):
    """The recipient has no address on this channel."""


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str = ""
    email: str = ""
    wechat_openid: str = ""
    language: str = "zh-hans"


@dataclass(frozen=True)
class OutgoingMessage:
    recipient: Recipient
    title: str
    body: str
    url: str = ""  # absolute, or empty
    kind: str = ""
    reference: str = ""  # our id for the message, for logs and idempotent gateways
    created_at: datetime = field(default_factory=timezone.now)


class Channel(Protocol):
    def send(self, message: OutgoingMessage) -> None: ...


def address_for(channel: str, recipient: Recipient) -> str:
    """The recipient's address on a channel; empty when the channel cannot reach them."""
    if channel == INAPP:
        return recipient.name or "inbox"
    addresses = {SMS: recipient.phone, WECHAT: recipient.wechat_openid, EMAIL: recipient.email}
    if channel not in addresses:
        raise ValueError(f"unknown notification channel {channel!r}")
    return addresses[channel]


@contextmanager
def _in_language(message: OutgoingMessage) -> Iterator[None]:
    with translation.override(message.recipient.language or settings.LANGUAGE_CODE):
        yield


def _address(channel: str, message: OutgoingMessage) -> str:
    address = address_for(channel, message.recipient)
    if not address:
        raise Unreachable(channel)
    return address


class InAppChannel:
    """The inbox row is the message; there is nothing more to send."""

    def send(self, message: OutgoingMessage) -> None:
        return None


class SmsChannel:
    def send(self, message: OutgoingMessage) -> None:
        phone = _address(SMS, message)
        send_sms(phone, sms_text(message))


def sms_text(message: OutgoingMessage) -> str:
    with _in_language(message):
        text = _("[Linli] %(title)s: %(body)s") % {"title": message.title, "body": message.body}
        link = " " + _("Details: %(url)s") % {"url": message.url} if message.url else ""
    # Cut the body, never the link: the link is what the recipient acts on.
    room = SMS_MAX_CHARS - len(link)
    if len(text) > room:
        text = text[: room - 1] + "…"
    return text + link


class WeChatBackend(Protocol):
    def post(self, payload: dict[str, Any]) -> None: ...


class LoggingWeChatBackend:
    def post(self, payload: dict[str, Any]) -> None:
        logger.info("WeChat template message: %s", json.dumps(payload, ensure_ascii=False))


class MemoryWeChatBackend:
    """Keeps payloads in `outbox`, for tests."""

    outbox: list[dict[str, Any]] = []

    def post(self, payload: dict[str, Any]) -> None:
        self.outbox.append(payload)


@cache
def _wechat_backend(path: str) -> WeChatBackend:
    backend: WeChatBackend = import_string(path)()
    return backend


def _keyword(text: str) -> str:
    return text if len(text) <= WECHAT_KEYWORD_MAX else text[: WECHAT_KEYWORD_MAX - 1] + "…"


def wechat_payload(message: OutgoingMessage, *, template_id: str) -> dict[str, Any]:
    """The body of a POST to the official-account API `cgi-bin/message/template/send`:
    first = title, keyword1 = what happened, keyword2 = when, remark = what to do."""
    with _in_language(message):
        when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        remark = _("Tap to see the details.") if message.url else _("See your Linli inbox.")
    payload: dict[str, Any] = {
        "touser": _address(WECHAT, message),
        "template_id": template_id,
        "data": {
            "first": {"value": message.title},
            "keyword1": {"value": _keyword(message.body)},
            "keyword2": {"value": when},
            "remark": {"value": remark},
        },
    }
    if message.url:
        payload["url"] = message.url
    return payload


class WeChatTemplateChannel:
    def send(self, message: OutgoingMessage) -> None:
        payload = wechat_payload(message, template_id=settings.WECHAT_TEMPLATE_ID)
        _wechat_backend(settings.WECHAT_BACKEND).post(payload)


class EmailChannel:
    def send(self, message: OutgoingMessage) -> None:
        address = _address(EMAIL, message)
        with _in_language(message):
            subject = _("[Linli] %(title)s") % {"title": message.title}
            parts = [message.body]
            if message.url:
                parts.append(_("Details: %(url)s") % {"url": message.url})
            parts.append(_("This message was sent by Linli; it is also in your inbox there."))
        send_mail(subject, "\n\n".join(parts), None, [address], fail_silently=False)


class LoggingEmailBackend(BaseEmailBackend):
    """Writes each e-mail to the log instead of sending it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for email in email_messages:
            logger.info("E-mail to %s: %s\n%s", ", ".join(email.to), email.subject, email.body)
        return len(email_messages)


_CHANNELS: dict[str, type[Channel]] = {
    INAPP: InAppChannel,
    SMS: SmsChannel,
    WECHAT: WeChatTemplateChannel,
    EMAIL: EmailChannel,
}


def get_channel(name: str) -> Channel:
    try:
        return _CHANNELS[name]()
    except KeyError:
        raise ValueError(f"unknown notification channel {name!r}") from None
