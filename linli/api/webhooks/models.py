"""Webhooks: URLs an admin registers to receive signed JSON on work-order events, and the
log of every delivery and every attempt at it."""

from __future__ import annotations

import secrets
import uuid

from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_secret() -> str:
    return secrets.token_hex(24)


class Webhook(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        default=new_secret,
        help_text=_("The receiver checks the X-Linli-Signature header with it."),
    )
    # Action values of work-order events to send (workorders.Action); empty sends every event.
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, action: str) -> bool:
        return not self.events or action in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    RETRYING = "retrying", _("failed, will retry")
    SUCCEEDED = "succeeded", pgettext_lazy("webhook delivery", "delivered")
    FAILED = "failed", _("gave up")


class WebhookDelivery(models.Model):
    """One event to one webhook: sent until the receiver answers 2xx or the attempts run out."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.ForeignKey(
        "workorders.OrderEvent",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("order event"),
    )
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="webhookdelivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.webhook_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what came back, or why nothing did."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("sent at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_snippet = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhookattempt_number"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"
