"""背街小巷整治提升: alley segments improved one by one, each with a stage, a yearly cohort,
a theme (一巷一品) and the demonstration-street flag."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.territory.models import subtree_q


class StreetProjectQuerySet(models.QuerySet["StreetProject"]):
    def within_paths(self, paths: list[str]) -> StreetProjectQuerySet:
        return self.filter(subtree_q(paths, "district__path", "subdistrict__path"))


class StreetProject(models.Model):
    class Stage(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("alley stage", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("alley stage", "in progress")
        COMPLETED = "completed", pgettext_lazy("alley stage", "completed")

    name = models.CharField(_("alley"), max_length=100)
    district = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        related_name="street_projects",
        verbose_name=_("district or county"),
    )
    subdistrict = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.PLANNED, db_index=True
    )
    is_demonstration = models.BooleanField(_("demonstration street"), default=False)
    cohort_year = models.PositiveSmallIntegerField(_("cohort year"))
    theme = models.CharField(_("theme (一巷一品)"), max_length=100, blank=True)
    length_m = models.PositiveIntegerField(_("length (m)"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = StreetProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("alley project")
        verbose_name_plural = _("alley projects")
        ordering = ["district__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="renewal_alley_unique_name"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=False, completed_on__gte=F("started_on")),
                name="renewal_alley_completed_after_started",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AlleyWorkOrder(models.Model):
    """A work order raised on an alley (shops spilling out, sewage, garbage …), kept with the
    alley for its long-term upkeep."""

    street = models.ForeignKey(
        StreetProject,
        on_delete=models.CASCADE,
        related_name="work_order_links",
        verbose_name=_("alley"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="alley_links",
        verbose_name=_("work order"),
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("alley work order")
        verbose_name_plural = _("alley work orders")
        ordering = ["-linked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "work_order"], name="renewal_alley_order_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street} · {self.work_order_id}"
