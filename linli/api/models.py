"""The api app's models, kept beside the code that uses them (open311/, webhooks/)."""

from linli.api.access.models import ApiToken, RateWindow
from linli.api.open311.models import (
    AttributeDatatype,
    CategoryAttribute,
    Open311Application,
    Open311Request,
    Open311Source,
)
from linli.api.webhooks.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "ApiToken",
    "AttributeDatatype",
    "CategoryAttribute",
    "DeliveryStatus",
    "Open311Application",
    "Open311Request",
    "Open311Source",
    "RateWindow",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
