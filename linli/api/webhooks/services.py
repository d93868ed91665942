"""Webhook deliveries: every order event is sent, after its transaction commits, to each
active webhook that wants it, as JSON signed with the webhook's secret (HMAC-SHA256 over
"<timestamp>.<body>"). A failed attempt is retried by the background worker with
exponential backoff, and every attempt is logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.api.open311.serialisers import public_text, w3c
from linli.api.webhooks.models import (
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from linli.workorders.models import OrderEvent, WorkOrder

USER_AGENT = "Linli-Webhooks/1"
SNIPPET = 500
MAX_BACKOFF_SECONDS = 3600


def on_order_event(order: WorkOrder, event: OrderEvent) -> None:
    """The work-order event listener: costs nothing inside the step's transaction; after it
    commits, the deliveries are queued (robust: a webhook problem never fails the step)."""
    transaction.on_commit(partial(queue_deliveries, event_id=event.pk), robust=True)


def event_payload(event: OrderEvent) -> dict[str, Any]:
    """What receivers get: the event and the order as it stood after it. No personal data:
    no names or phone numbers, and those written into descriptions are masked."""
    order = event.order
    return {
        "type": f"order.{event.action}",
        "event": {
            "seq": event.seq,
            "action": event.action,
            "from_state": event.from_state or None,
            "to_state": event.to_state,
            "at": w3c(event.at),
        },
        "order": {
            "id": order.pk,
            "number": order.number,
            "state": order.state,
            "source": order.source,
            "category": {
                "kind": order.category.kind,
                "code": order.category.code,
                "name": order.category.name,
            },
            "grid": {"code": order.grid.code, "name": order.grid.name},
            "description": public_text(order.description),
            "address": order.address,
            "lng": order.lng,
            "lat": order.lat,
            "urgent": order.urgent,
            "overdue": order.overdue,
            "created_at": w3c(order.created_at),
            "deadline_at": w3c(order.deadline_at),
            "url": settings.SITE_URL + reverse("workorders:detail", args=[order.pk]),
        },
    }


def queue_deliveries(*, event_id: int) -> list[WebhookDelivery]:
    hooks = list(Webhook.objects.filter(is_active=True))
    if not hooks:
        return []
    event = OrderEvent.objects.select_related("order__category", "order__grid").get(pk=event_id)
    hooks = [h for h in hooks if h.wants(event.action)]
    if not hooks:
        return []
    payload = event_payload(event)
    created = []
    with transaction.atomic():
        for hook in hooks:
            delivery, new = WebhookDelivery.objects.get_or_create(
                webhook=hook,
                event=event,
                defaults={"event_type": payload["type"], "payload": payload},
            )
            if new:
                created.append(delivery)
        for delivery in created:
            transaction.on_commit(partial(_enqueue, delivery.pk))
    return created


def _enqueue(delivery_id: int, delay_seconds: float = 0) -> None:
    from linli.api.webhooks.tasks import deliver_webhook

    task = deliver_webhook
    if delay_seconds > 0:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    task.enqueue(delivery_id)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def backoff_seconds(attempt: int) -> int:
    """Delay before the attempt after `attempt` (1-based): base, 2×base, 4×base … ≤ 1 h."""
    base: int = settings.WEBHOOK_RETRY_SECONDS
    return min(base * (1 << max(attempt - 1, 0)), MAX_BACKOFF_SECONDS)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    snippet: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: it counts as a failed attempt."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# No proxies from the environment and no redirects: a delivery goes where it is registered.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    if urlsplit(url).scheme not in ("http", "https"):
        return Outcome(None, "", _("Only http and https URLs are allowed."), 0)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked above)
    started = time.monotonic()
    status: int | None = None
    snippet = error = ""
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
            snippet = response.read(SNIPPET * 4).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
        snippet = exc.read(SNIPPET * 4).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))
    duration = int((time.monotonic() - started) * 1000)
    return Outcome(status, snippet[:SNIPPET], error[:SNIPPET], duration)


def _claim(delivery_id: int) -> tuple[WebhookDelivery, int] | None:
    """Take the next attempt number, unless the delivery is finished."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update().select_related("webhook")
            .filter(pk=delivery_id).first()
        )  # fmt: skip
        if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
            return None
        delivery.attempts += 1
        delivery.next_retry_at = None
        delivery.save(update_fields=["attempts", "next_retry_at"])
        return delivery, delivery.attempts


def attempt_delivery(delivery_id: int) -> WebhookDelivery | None:
    """Send one attempt of a delivery and log it; schedule the next on failure."""
    claimed = _claim(delivery_id)
    if claimed is None:
        return None
    delivery, number = claimed
    hook = delivery.webhook
    if hook.is_active:
        body = json.dumps(
            {"id": str(delivery.uuid), **delivery.payload}, ensure_ascii=False
        ).encode()
        timestamp = str(int(time.time()))
        outcome = post(
            hook.url,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-Linli-Event": delivery.event_type,
                "X-Linli-Delivery": str(delivery.uuid),
                "X-Linli-Timestamp": timestamp,
                "X-Linli-Signature": sign(hook.secret, timestamp, body),
            },
        )
    else:
        outcome = Outcome(None, "", _("The webhook was switched off."), 0)
    return _record(delivery, number, outcome, retry=hook.is_active)


def _record(
    delivery: WebhookDelivery, number: int, outcome: Outcome, *, retry: bool
) -> WebhookDelivery:
    now = timezone.now()
    delay = backoff_seconds(number)
    retrying = not outcome.ok and retry and number < settings.WEBHOOK_MAX_ATTEMPTS
    next_retry = now + timedelta(seconds=delay) if retrying else None
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            at=now,
            status_code=outcome.status_code,
            response_snippet=outcome.snippet,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
            next_retry_at=next_retry,
        )
        if outcome.ok:
            delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, now
        elif retrying:
            delivery.status = DeliveryStatus.RETRYING
            transaction.on_commit(partial(_enqueue, delivery.pk, delay))
        else:
            delivery.status = DeliveryStatus.FAILED
        delivery.next_retry_at = next_retry
        delivery.save(update_fields=["status", "delivered_at", "next_retry_at"])
    return delivery


def redeliver(*, delivery: WebhookDelivery) -> None:
    """Send a delivery again from the admin (after the receiver was fixed)."""
    with transaction.atomic():
        delivery.status = DeliveryStatus.PENDING
        delivery.next_retry_at = None
        delivery.save(update_fields=["status", "next_retry_at"])
        transaction.on_commit(partial(_enqueue, delivery.pk))
