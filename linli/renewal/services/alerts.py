"""Alerts posted by smart facilities. A device signs each post with its secret:

    X-Linli-Device:    the facility's device key
    X-Linli-Timestamp: Unix seconds when the device sent it
    X-Linli-Signature: hex HMAC-SHA256(secret, "<timestamp>." + body)

The timestamp is inside the signature, so an old post cannot be replayed with a new time,
and posts outside the replay window are refused. Each alert id is taken once per device:
a repeated post (a device retrying after a lost answer) gets the first one's result.
A new alert becomes a work order in the estate's grid, in the category its kind maps to.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError

from linli.renewal.models import DeviceAlert, SmartFacility
from linli.renewal.schemas import AlertIn
from linli.workorders.models import Category, Source, WorkOrder
from linli.workorders.services.intake import create_order, locate

log = logging.getLogger(__name__)

DEVICE_HEADER = "X-Linli-Device"
TIMESTAMP_HEADER = "X-Linli-Timestamp"
SIGNATURE_HEADER = "X-Linli-Signature"

Kind = DeviceAlert.Kind
Facility = SmartFacility.Kind
COMPONENT, INCIDENT = Category.Kind.COMPONENT, Category.Kind.INCIDENT
# Alert kind → (category kind, category code) in data/categories/categories.json.
CATEGORY_FOR_ALERT: dict[str, tuple[str, str]] = {
    Kind.HIGH_ALTITUDE_THROW: (COMPONENT, "0603"),  # 高空抛物监测
    Kind.TAILGATING: (COMPONENT, "0601"),  # 门禁设施
    Kind.DOOR_HELD_OPEN: (COMPONENT, "0601"),
    Kind.CHARGING_FAULT: (COMPONENT, "0604"),  # 电动车充电桩
    Kind.BLOCKED_PASSAGE: (INCIDENT, "040402"),  # 占用消防通道停车
    Kind.INTRUSION: (INCIDENT, "0699"),  # 其他
    Kind.FIRE: (INCIDENT, "0699"),
}
# A faulty device is reported as the component it is.
CATEGORY_FOR_FAULT: dict[str, tuple[str, str]] = {
    Facility.ACCESS_CONTROL: (COMPONENT, "0601"),
    Facility.FACE_RECOGNITION: (COMPONENT, "0601"),
    Facility.SURVEILLANCE: (COMPONENT, "0602"),
    Facility.ANTI_THROWING: (COMPONENT, "0603"),
    Facility.EV_CHARGING: (COMPONENT, "0604"),
}
URGENT = frozenset({Kind.FIRE, Kind.INTRUSION, Kind.HIGH_ALTITUDE_THROW})


class AlertRejected(Exception):
    """The post is refused; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class AlertResult:
    alert: DeviceAlert
    duplicate: bool


def replay_window_seconds() -> int:
    return int(getattr(settings, "DEVICE_ALERT_WINDOW_SECONDS", 300))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a device sends (also used by tests and device simulators)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, sha256).hexdigest()


def authenticate(*, device_key: str, timestamp: str, signature: str, body: bytes) -> SmartFacility:
    """The facility that signed this body, or AlertRejected (401) without saying which
    part was wrong beyond what a device owner needs to fix it."""
    facility = (
        SmartFacility.objects.select_related("estate__grid")
        .filter(device_key=device_key, is_active=True)
        .first()
    )
    if facility is None:
        raise AlertRejected(401, _("Unknown or retired device."))
    try:
        sent = int(timestamp)
    except ValueError:
        raise AlertRejected(401, _("The timestamp header must be Unix seconds.")) from None
    if abs(timezone.now().timestamp() - sent) > replay_window_seconds():
        raise AlertRejected(
            401, _("The timestamp is outside the allowed window; check the device clock.")
        )
    expected = sign(facility.secret, timestamp, body)
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=").strip().lower()):
        raise AlertRejected(401, _("The signature does not match the body."))
    return facility


def receive_alert(*, device_key: str, timestamp: str, signature: str, body: bytes) -> AlertResult:
    facility = authenticate(
        device_key=device_key, timestamp=timestamp, signature=signature, body=body
    )
    try:
        data = AlertIn.model_validate(json.loads(body or b"null"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise AlertRejected(400, _("The body is not JSON.")) from None
    except SchemaError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors())
        raise AlertRejected(
            422, _("These fields are missing or wrong: %(fields)s.") % {"fields": fields}
        ) from None
    if data.kind not in Kind.values:
        raise AlertRejected(422, _("Unknown alert kind %(kind)s.") % {"kind": data.kind})
    existing = DeviceAlert.objects.filter(facility=facility, alert_id=data.alert_id).first()
    if existing is not None:
        return AlertResult(existing, duplicate=True)
    try:
        with transaction.atomic():
            alert = DeviceAlert.objects.create(
                facility=facility,
                alert_id=data.alert_id,
                kind=data.kind,
                occurred_at=data.occurred_at or timezone.now(),
                description=data.description,
                payload=json.loads(body),
            )
            _raise_order(alert, data)
    except IntegrityError:
        # The same alert arrived twice at once; the first one to commit answers for both.
        return AlertResult(
            DeviceAlert.objects.get(facility=facility, alert_id=data.alert_id), duplicate=True
        )
    return AlertResult(alert, duplicate=False)


def _raise_order(alert: DeviceAlert, data: AlertIn) -> None:
    """Create the alert's work order. If it cannot be made (categories not loaded, a point
    outside every grid), the alert is still kept and the reason noted on it."""
    facility = alert.facility
    kind, code = (
        CATEGORY_FOR_FAULT.get(facility.kind, (INCIDENT, "0699"))
        if alert.kind == Kind.DEVICE_FAULT
        else CATEGORY_FOR_ALERT.get(alert.kind, (INCIDENT, "0699"))
    )
    category = Category.objects.filter(kind=kind, code=code, is_active=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        if category is None:
            _note(
                alert,
                _("No active category %(kind)s %(code)s for this alert.")
                % {"kind": kind, "code": code},
            )
            return
        estate = facility.estate
        description = _("%(estate)s, %(facility)s: %(alert)s. %(details)s") % {
            "estate": estate.name,
            "facility": facility.get_kind_display(),
            "alert": alert.get_kind_display(),
            "details": data.description,
        }
        try:
            lng, lat = _place(facility, data)
            with transaction.atomic():
                order = create_order(
                    source=Source.DEVICE,
                    category=category,
                    description=description.strip(),
                    lng=lng,
                    lat=lat,
                    reporter=None,
                    urgent=alert.kind in URGENT,
                    address=estate.address or estate.name,
                )
        except ValidationError as exc:
            _note(alert, " ".join(exc.messages))
            return
    alert.work_order = order
    alert.save(update_fields=["work_order"])


def _place(facility: SmartFacility, data: AlertIn) -> tuple[float, float]:
    """The device's own point if it lies in the estate's grid, else the estate's, else the
    grid's inner point: the order lands in the estate's grid."""
    grid = facility.estate.grid
    for lng, lat in ((data.lng, data.lat), (facility.estate.lng, facility.estate.lat)):
        if lng is None or lat is None:
            continue
        try:
            if locate(lng, lat).grid_id == grid.pk:
                return lng, lat
        except ValidationError:
            continue
    if grid.centroid_lng is None or grid.centroid_lat is None:
        raise ValidationError(_("The estate's grid has no boundary to place the order in."))
    return grid.centroid_lng, grid.centroid_lat


def _note(alert: DeviceAlert, reason: str) -> None:
    log.warning("device alert %s kept without a work order: %s", alert.pk, reason)
    alert.payload = {**alert.payload, "_work_order_error": reason}
    alert.save(update_fields=["payload"])


def order_number(alert: DeviceAlert) -> str | None:
    order: WorkOrder | None = alert.work_order
    return order.number if order is not None else None
