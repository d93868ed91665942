"""What the KPI pages read: one row of facts per order, and counters summed from them per
region, unit and period bucket.

Both are kept by the work-order services in the same transaction as each event
(`linli.workorders.kpis.record`, called from `services.transitions.write_event`) and
recomputed from the events by `manage.py rebuild_kpis`. docs/kpis.md defines every figure.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The counters an order contributes, in the column order of both tables below. Each is
# 0 or 1 per order, except the *_seconds sums. linli/workorders/kpis/formulas.py defines them.
COUNTER_FIELDS = (
    "reported",
    "state_reported",
    "state_filed",
    "state_declined",
    "state_dispatched",
    "state_accepted",
    "state_returned",
    "state_parked",
    "state_handled",
    "state_closed",
    "state_rated",
    "state_cancelled",
    "filed",
    "due_response",
    "responded",
    "due_handle",
    "handled",
    "handled_on_time",
    "due_close",
    "closed",
    "closed_on_time",
    "reworked",
    "extended",
    "returned",
    "escalated",
    "overdue",
    "overdue_open",
    "overdue_pending",
    "on_spot",
    "rated",
    "resolved",
    "satisfied",
    "dissatisfied",
    "reopened",
    "accept_n",
    "accept_seconds",
    "handle_n",
    "handle_seconds",
    "close_n",
    "close_seconds",
)


class CounterColumns(models.Model):
    """The counter columns (COUNTER_FIELDS), shared by the facts and the aggregates. The
    database default lets the hook's upsert name only the counters an event changes."""

    reported = models.IntegerField(default=0, db_default=0)
    state_reported = models.IntegerField(default=0, db_default=0)
    state_filed = models.IntegerField(default=0, db_default=0)
    state_declined = models.IntegerField(default=0, db_default=0)
    state_dispatched = models.IntegerField(default=0, db_default=0)
    state_accepted = models.IntegerField(default=0, db_default=0)
    state_returned = models.IntegerField(default=0, db_default=0)
    state_parked = models.IntegerField(default=0, db_default=0)
    state_handled = models.IntegerField(default=0, db_default=0)
    state_closed = models.IntegerField(default=0, db_default=0)
    state_rated = models.IntegerField(default=0, db_default=0)
    state_cancelled = models.IntegerField(default=0, db_default=0)
    filed = models.IntegerField(default=0, db_default=0)
    due_response = models.IntegerField(default=0, db_default=0)
    responded = models.IntegerField(default=0, db_default=0)
    due_handle = models.IntegerField(default=0, db_default=0)
    handled = models.IntegerField(default=0, db_default=0)
    handled_on_time = models.IntegerField(default=0, db_default=0)
    due_close = models.IntegerField(default=0, db_default=0)
    closed = models.IntegerField(default=0, db_default=0)
    closed_on_time = models.IntegerField(default=0, db_default=0)
    reworked = models.IntegerField(default=0, db_default=0)
    extended = models.IntegerField(default=0, db_default=0)
    returned = models.IntegerField(default=0, db_default=0)
    escalated = models.IntegerField(default=0, db_default=0)
    overdue = models.IntegerField(default=0, db_default=0)
    overdue_open = models.IntegerField(default=0, db_default=0)
    overdue_pending = models.IntegerField(default=0, db_default=0)
    on_spot = models.IntegerField(default=0, db_default=0)
    rated = models.IntegerField(default=0, db_default=0)
    resolved = models.IntegerField(default=0, db_default=0)
    satisfied = models.IntegerField(default=0, db_default=0)
    dissatisfied = models.IntegerField(default=0, db_default=0)
    reopened = models.IntegerField(default=0, db_default=0)
    accept_n = models.IntegerField(default=0, db_default=0)
    accept_seconds = models.BigIntegerField(default=0, db_default=0)
    handle_n = models.IntegerField(default=0, db_default=0)
    handle_seconds = models.BigIntegerField(default=0, db_default=0)
    close_n = models.IntegerField(default=0, db_default=0)
    close_seconds = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class KpiScope(models.IntegerChoices):
    REGION = 1, _("region")
    UNIT = 2, _("unit")


class KpiGrain(models.IntegerChoices):
    DAY = 1, _("day")
    MONTH = 2, _("month")
    ALL = 3, _("all time")


class OrderFacts(CounterColumns):
    """An order as the KPIs see it: where and when it counts (its cohort: the local day it
    was reported), who it is attributed to (the unit and person it was last assigned to),
    the replayed state it needs to take the next event, and the counters it contributes.

    Replaying the order's events gives this row; the counters of KpiCounter are sums of it."""

    order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    cohort_day = models.DateField()
    cohort_month = models.DateField()
    city_id = models.IntegerField()
    district_id = models.IntegerField()
    subdistrict_id = models.IntegerField()
    community_id = models.IntegerField()
    grid_id = models.IntegerField()
    major_id = models.IntegerField()
    minor_id = models.IntegerField()
    source = models.CharField(max_length=12)
    unit_id = models.IntegerField(null=True)
    person_id = models.IntegerField(null=True)

    # Replay state (what the next event needs to know).
    state = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    first_dispatch_at = models.DateTimeField(null=True)
    first_accept_at = models.DateTimeField(null=True)
    deadline_at = models.DateTimeField(null=True)
    handled_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    flags = models.IntegerField(default=0)  # formulas.Flag bits
    rating = models.CharField(max_length=12, blank=True)
    rated_resolved = models.BooleanField(null=True)

    objects: models.Manager[OrderFacts] = models.Manager()

    class Meta:
        verbose_name = _("order KPI facts")
        verbose_name_plural = _("order KPI facts")
        indexes = [
            models.Index(fields=["grid_id", "cohort_day"], name="orderfacts_grid_day"),
            models.Index(fields=["community_id", "cohort_day"], name="orderfacts_community_day"),
            models.Index(fields=["unit_id", "cohort_day"], name="orderfacts_unit_day"),
            models.Index(fields=["person_id", "cohort_day"], name="orderfacts_person_day"),
        ]

    def __str__(self) -> str:
        return f"facts of order {self.order_id}"


class KpiCounter(CounterColumns):
    """Sums of OrderFacts counters for one region or unit, one period bucket and one slice:
    the whole (major 0, source ""), one major category class (major set), or one source
    (source set). Which scopes and grains are kept is in linli/workorders/kpis/layout.py."""

    scope = models.PositiveSmallIntegerField(choices=KpiScope.choices)
    scope_id = models.IntegerField()
    grain = models.PositiveSmallIntegerField(choices=KpiGrain.choices)
    bucket = models.DateField()
    major = models.IntegerField(default=0, db_default=0)
    source = models.CharField(max_length=12, blank=True, default="")

    objects: models.Manager[KpiCounter] = models.Manager()

    class Meta:
        verbose_name = _("KPI counter")
        verbose_name_plural = _("KPI counters")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "grain", "bucket", "major", "source"],
                name="kpicounter_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.scope_id} {self.grain} {self.bucket} {self.major}/{self.source}"


class KpiCategoryCounter(models.Model):
    """Orders reported per minor category class (小类), for the monthly report's top
    sub-classes and the counts of service categories. Regions above the grid, by day and
    by month (the same grains as KpiCounter keeps for each level)."""

    scope_id = models.IntegerField()
    grain = models.PositiveSmallIntegerField(choices=KpiGrain.choices)
    bucket = models.DateField()
    minor = models.IntegerField()
    reported = models.IntegerField(default=0, db_default=0)

    objects: models.Manager[KpiCategoryCounter] = models.Manager()

    class Meta:
        verbose_name = _("KPI category counter")
        verbose_name_plural = _("KPI category counters")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_id", "grain", "bucket", "minor"],
                name="kpicategorycounter_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_id} {self.grain} {self.bucket} {self.minor}"
