"""Notifications: the in-app inbox, and delivery through the outside channels.

`notify(user=…, title=…, body=…)` writes the inbox row at once and, when the surrounding
transaction commits, enqueues one background task that sends the message through the
person's other channels (linli.lib.channels). A channel that fails is retried with growing
delays; every channel's outcome is kept in a NotificationDelivery row.

Everyone chooses on 我的设置 which outside channels they want (User.notify_by_sms, …); the
inbox always gets the message.

Callers pass English message ids (gettext_lazy) and `params`; the text is worded in the
recipient's language (Chinese unless they chose otherwise), not the sender's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django_tasks import task
from django_tasks_db import DatabaseBackend

from linli.accounts.models import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationQuerySet,
    User,
)
from linli.lib import channels as lib_channels
from linli.lib.channels import OutgoingMessage, Recipient

logger = logging.getLogger("linli.notifications")

# Seconds to wait before each retry of a failed channel; after the last, it is given up.
RETRY_DELAYS = (60, 300, 1800, 7200)


def _words(text: str | Promise, params: Mapping[str, Any] | None) -> str:
    words = str(text)
    return words % params if params else words


# The outside channels a person may turn off on 我的设置, and the User field keeping each choice.
CHOICE_FIELDS = {
    lib_channels.SMS: "notify_by_sms",
    lib_channels.WECHAT: "notify_by_wechat",
    lib_channels.EMAIL: "notify_by_email",
}


def wants(user: User, channel: str) -> bool:
    """Whether `user` chose to get notifications on this outside channel."""
    return bool(getattr(user, CHOICE_FIELDS[channel]))


def delivery_channels(user: User, requested: Iterable[str] | None = None) -> list[str]:
    """The outside channels a notification to `user` goes through: those asked for (or all),
    that are enabled in settings.NOTIFICATION_CHANNELS, that the user has not turned off and
    where the user has an address. The person's choice wins over the caller's request."""
    enabled = settings.NOTIFICATION_CHANNELS
    names = list(enabled if requested is None else requested)
    if unknown := set(names) - set(lib_channels.CHANNEL_NAMES):
        raise ValueError(f"unknown notification channels {sorted(unknown)}")
    recipient = recipient_for(user)
    return [
        name
        for name in dict.fromkeys(names)
        if name != lib_channels.INAPP
        and name in enabled
        and wants(user, name)
        and lib_channels.address_for(name, recipient)
    ]


def recipient_for(user: User) -> Recipient:
    return Recipient(
        name=user.name,
        phone=user.phone,
        email=user.email,
        wechat_openid=user.wechat_openid,
        language=user.language or settings.LANGUAGE_CODE,
    )


@transaction.atomic(savepoint=False)  # inside a step: part of its transaction
def notify(
    *,
    user: User,
    title: str | Promise,
    body: str | Promise,
    url: str = "",
    kind: str = "",
    channels: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Notification:
    """Put a message in `user`'s inbox and send it through their channels after commit.

    `title` and `body` are message ids (gettext_lazy) filled with `params` in the user's
    language. `url` is a path on this site ("/workorders/12/"). `channels` limits the
    outside channels (names from linli.lib.channels); None means every enabled one."""
    if url and not (url.startswith("/") and not url.startswith("//")):
        raise ValueError(f"notification url must be a path on this site, not {url!r}")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        notification = Notification(
            user=user,
            title=_words(title, params)[:200],
            body=_words(body, params),
            url=url,
            kind=kind,
        )
    notification.full_clean(exclude=["user"])  # the user is a saved instance; skip the query
    notification.save()
    if outside := delivery_channels(user, channels):
        if _tasks_share_the_database():
            # The task row is written in this transaction: it commits (and the worker sees
            # it) or rolls back with the notification, and costs no second transaction.
            _enqueue(notification.pk, outside)
        else:
            # Other backends run or send the task at once: only after the commit.
            transaction.on_commit(partial(_enqueue, notification.pk, outside))
    return notification


def _tasks_share_the_database() -> bool:
    return isinstance(deliver_notification.get_backend(), DatabaseBackend)


def _enqueue(notification_id: int, names: list[str], attempt: int = 1) -> None:
    deliver_notification.enqueue(notification_id, names, attempt)


def _retry(notification_id: int, names: list[str], attempt: int) -> None:
    delay = RETRY_DELAYS[attempt - 2]
    retry = deliver_notification
    # The immediate backend (tests, or a deployment without a worker) cannot wait.
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + timedelta(seconds=delay))
    retry.enqueue(notification_id, names, attempt)


def outgoing_message(notification: Notification) -> OutgoingMessage:
    return OutgoingMessage(
        recipient=recipient_for(notification.user),
        title=notification.title,
        body=notification.body,
        url=f"{settings.SITE_URL}{notification.url}" if notification.url else "",
        kind=notification.kind,
        reference=f"notification-{notification.pk}",
        created_at=notification.created_at,
    )


def _record(delivery: NotificationDelivery, status: str, error: str = "") -> None:
    now = timezone.now()
    delivery.status = status
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_error = error[:500]
    fields = ["status", "attempts", "last_attempt_at", "last_error"]
    if status == DeliveryStatus.SENT:
        delivery.delivered_at = now
        fields.append("delivered_at")
    delivery.save(update_fields=fields)


@task()
def deliver_notification(notification_id: int, names: list[str], attempt: int = 1) -> list[str]:
    """Send one notification through the named channels; retry the ones that fail.
    Returns the channels that failed this time."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return []
    message = outgoing_message(notification)
    last_attempt = attempt > len(RETRY_DELAYS)
    failed = []
    for name in names:
        delivery, _ = NotificationDelivery.objects.get_or_create(
            notification=notification,
            channel=name,
            defaults={"status": DeliveryStatus.RETRYING},
        )
        if delivery.status in (DeliveryStatus.SENT, DeliveryStatus.UNREACHABLE):
            continue  # a task run twice sends nothing twice
        try:
            lib_channels.get_channel(name).send(message)
        except lib_channels.Unreachable:
            _record(delivery, DeliveryStatus.UNREACHABLE)
        except Exception as exc:  # an outside service failing in any way is retried
            logger.warning("notification %s via %s failed: %r", notification_id, name, exc)
            status = DeliveryStatus.FAILED if last_attempt else DeliveryStatus.RETRYING
            _record(delivery, status, f"{type(exc).__name__}: {exc}")
            failed.append(name)
        else:
            _record(delivery, DeliveryStatus.SENT)
    if failed and not last_attempt:
        _retry(notification_id, failed, attempt + 1)
    elif failed:
        logger.error("notification %s given up on %s", notification_id, ", ".join(failed))
    return failed


# Reading and marking the inbox.


def inbox_for(user: User) -> NotificationQuerySet:
    return Notification.objects.for_user(user).inbox_order()


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    cached: int | None = getattr(user, "_linli_unread_count", None)
    if cached is None:
        cached = Notification.objects.for_user(user).unread().count()
        user._linli_unread_count = cached  # type: ignore[attr-defined]
    return cached


def get_notification_for(user: User, pk: int) -> Notification:
    """The user's own notification; 404 for anyone else's, as for a missing one."""
    return get_object_or_404(Notification, pk=pk, user=user)


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: User) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
