"""Smart facilities installed in estates (门禁、监控、人脸识别、防高空抛物 …), each with a
device key and a secret with which the device signs the alerts it posts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.territory.models import subtree_q


class SmartFacilityQuerySet(models.QuerySet["SmartFacility"]):
    def active(self) -> SmartFacilityQuerySet:
        return self.filter(is_active=True)

    def within_paths(self, paths: list[str]) -> SmartFacilityQuerySet:
        return self.filter(subtree_q(paths, "estate__grid__path"))


class SmartFacility(models.Model):
    class Kind(models.TextChoices):
        ACCESS_CONTROL = "access_control", _("access control")
        SURVEILLANCE = "surveillance", _("surveillance cameras")
        FACE_RECOGNITION = "face_recognition", _("face recognition")
        ANTI_THROWING = "anti_throwing", _("anti high-altitude-throwing")
        EV_CHARGING = "ev_charging", _("EV and e-bike charging")
        PERIMETER = "perimeter", _("perimeter protection")
        VEHICLE_BARRIER = "vehicle_barrier", _("vehicle barrier and plate capture")
        SMOKE_DETECTOR = "smoke_detector", _("smoke and fire detectors")
        PARCEL_LOCKER = "parcel_locker", _("smart parcel lockers")

    estate = models.ForeignKey(
        "territory.Estate",
        on_delete=models.PROTECT,
        related_name="smart_facilities",
        verbose_name=_("estate"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    device_key = models.SlugField(_("device key"), max_length=64, unique=True)
    # The shared secret the device signs alerts with (HMAC needs the plain value).
    secret = models.CharField(max_length=64, editable=False)
    installed_on = models.DateField(_("installed on"))
    device_count = models.PositiveIntegerField(_("number of devices"), default=1)
    is_active = models.BooleanField(_("in service"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SmartFacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("smart facility")
        verbose_name_plural = _("smart facilities")
        ordering = ["estate__code", "kind", "device_key"]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_kind_display()} ({self.device_key})"


class DeviceAlert(models.Model):
    """An alert a device posted. Its alert id is unique per device, so a repeated post is
    recognised and answered with the first one's result."""

    class Kind(models.TextChoices):
        INTRUSION = "intrusion", _("intrusion")
        HIGH_ALTITUDE_THROW = "high_altitude_throw", _("object thrown from height")
        FIRE = "fire", _("smoke or fire")
        TAILGATING = "tailgating", _("tailgating at the gate")
        DOOR_HELD_OPEN = "door_held_open", _("door held open")
        DEVICE_FAULT = "device_fault", _("device fault")
        CHARGING_FAULT = "charging_fault", _("charging fault")
        BLOCKED_PASSAGE = "blocked_passage", _("fire passage blocked")

    facility = models.ForeignKey(
        SmartFacility,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("smart facility"),
    )
    alert_id = models.CharField(_("alert id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="device_alerts",
        verbose_name=_("work order"),
    )

    class Meta:
        verbose_name = _("device alert")
        verbose_name_plural = _("device alerts")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "alert_id"], name="renewal_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.facility.device_key} {self.alert_id}"
