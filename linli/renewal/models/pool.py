"""The renovation pool (改造项目库): estates waiting for renovation, and their surveys (体检)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PoolEntry(models.Model):
    """An estate entered into the renovation pool (申报入库)."""

    estate = models.OneToOneField(
        "territory.Estate",
        on_delete=models.CASCADE,
        related_name="renewal_pool_entry",
        verbose_name=_("estate"),
    )
    added_on = models.DateField(_("entered the pool on"))
    planned_year = models.PositiveSmallIntegerField(_("planned year"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pool entry")
        verbose_name_plural = _("renovation pool")
        ordering = ["estate__code"]

    def __str__(self) -> str:
        return str(self.estate)


class EstateSurvey(models.Model):
    """体检: an inspection of an estate that lists what is wrong with it."""

    estate = models.ForeignKey(
        "territory.Estate",
        on_delete=models.CASCADE,
        related_name="renewal_surveys",
        verbose_name=_("estate"),
    )
    surveyed_on = models.DateField(_("surveyed on"))
    surveyor = models.CharField(_("surveyed by"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("estate survey")
        verbose_name_plural = _("estate surveys")
        ordering = ["-surveyed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.estate} {self.surveyed_on}"


class SurveyDefect(models.Model):
    class Kind(models.TextChoices):
        ROOF = "roof", _("roof leaks")
        OUTER_WALL = "outer_wall", _("outer walls")
        STAIRS = "stairs", _("stairwells")
        WATER = "water", _("water supply")
        DRAINAGE = "drainage", _("rain and sewage pipes")
        POWER = "power", _("power supply")
        GAS = "gas", _("gas")
        HEATING = "heating", _("heating")
        FIRE = "fire", _("fire safety")
        SECURITY = "security", _("security")
        ROADS = "roads", _("roads")
        LIGHTING = "lighting", _("lighting")
        PARKING = "parking", _("parking and bike sheds")
        GREENERY = "greenery", _("greenery")
        BARRIER_FREE = "barrier_free", _("barrier-free access and lifts")
        ILLEGAL_BUILDING = "illegal_building", _("illegal structures")
        GARBAGE = "garbage", _("garbage")
        SERVICES = "services", _("community services")

    class Severity(models.TextChoices):
        MINOR = "minor", _("minor")
        SERIOUS = "serious", _("serious")
        URGENT = "urgent", _("urgent")

    survey = models.ForeignKey(
        EstateSurvey, on_delete=models.CASCADE, related_name="defects", verbose_name=_("survey")
    )
    kind = models.CharField(_("defect"), max_length=20, choices=Kind.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.SERIOUS
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        constraints = [
            models.UniqueConstraint(fields=["survey", "kind"], name="renewal_defect_once"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
