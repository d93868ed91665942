"""Work orders and their immutable history.

Every change of an order goes through a service in `linli.workorders.services`, which locks
the row, checks the transition table in `linli.workorders.workflow` and writes one OrderEvent.
Events are never updated or deleted; the order's state can be replayed from them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.lib.masking import mask_name, mask_phone
from linli.territory.models import subtree_q


class OrderState(models.TextChoices):
    REPORTED = "reported", _("reported")
    FILED = "filed", _("filed")
    DECLINED = "declined", _("declined")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")
    PARKED = "parked", _("parked")
    HANDLED = "handled", _("handled")
    CLOSED = "closed", _("closed")
    RATED = "rated", _("rated")
    CANCELLED = "cancelled", _("cancelled")


# States in which an order is still being worked on.
OPEN_STATES = frozenset(
    {
        OrderState.REPORTED,
        OrderState.FILED,
        OrderState.DISPATCHED,
        OrderState.ACCEPTED,
        OrderState.RETURNED,
        OrderState.PARKED,
        OrderState.HANDLED,
    }
)
# States in which the handling deadline is running.
CLOCK_STATES = frozenset({OrderState.DISPATCHED, OrderState.ACCEPTED})


class Action(models.TextChoices):
    REPORT = "report", _("report")
    FILE = "file", pgettext_lazy("order action", "file")
    DECLINE = "decline", _("decline")
    DISPATCH = "dispatch", _("dispatch")
    CLAIM = "claim", _("claim")
    ACCEPT = "accept", _("accept")
    RETURN = "return", _("return")
    APPROVE_RETURN = "approve_return", _("approve return")
    REFUSE_RETURN = "refuse_return", _("refuse return")
    REQUEST_EXTENSION = "request_extension", _("request extension")
    APPROVE_EXTENSION = "approve_extension", _("approve extension")
    REFUSE_EXTENSION = "refuse_extension", _("refuse extension")
    PARK = "park", _("request parking")
    APPROVE_PARK = "approve_park", _("approve parking")
    REFUSE_PARK = "refuse_park", _("refuse parking")
    RESUME = "resume", _("resume parked order")
    HANDLE = "handle", _("handle")
    CLOSE = "close", _("close")
    REWORK = "rework", _("rework")
    RATE = "rate", _("rate")
    REOPEN = "reopen", _("reopen")
    ESCALATE = "escalate", _("escalate")
    REMIND = "remind", _("remind")
    CANCEL = "cancel", _("cancel")
    SUPPORT = "support", _("me too")
    RESOLVE_ON_SPOT = "resolve_on_spot", _("resolve on the spot")
    MARK_OVERDUE = "mark_overdue", _("mark overdue")


class Source(models.TextChoices):
    RESIDENT = "resident", _("resident request")
    PATROL = "patrol", _("grid worker patrol")
    HOTLINE = "hotline", _("12345 hotline")
    DEVICE = "device", _("camera or device alert")
    INSPECTION = "inspection", _("inspection finding")
    VISIT = "visit", _("household visit")
    APP = "app", _("mini-program or partner app")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    FAIRLY = "fairly", _("fairly satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class PendingRequest(models.TextChoices):
    NONE = "", _("none")
    EXTENSION = "extension", _("extension")
    PARK = "park", _("parking")


class WorkOrderQuerySet(models.QuerySet["WorkOrder"]):
    def open(self) -> WorkOrderQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def in_region_paths(self, paths: list[str]) -> WorkOrderQuerySet:
        return self.filter(subtree_q(paths, "region_path"))

    def clock_running(self) -> WorkOrderQuerySet:
        return self.filter(state__in=CLOCK_STATES, deadline_at__isnull=False)

    def with_details(self) -> WorkOrderQuerySet:
        return self.select_related("category", "grid", "assignee", "assignee_unit", "requester")


class WorkOrder(models.Model):
    """工单: one request or problem, from report to rating."""

    number = models.CharField(_("order number"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    category = models.ForeignKey(
        "workorders.Category",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("category"),
    )
    description = models.TextField(_("description"), max_length=2000)
    lng = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("grid"),
    )
    # Copies of the grid's ancestors and path, so region KPIs and scoping need no joins.
    district = models.ForeignKey(
        "territory.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    subdistrict = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    community = models.ForeignKey(
        "territory.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)

    requester = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_orders",
        verbose_name=_("requester"),
    )
    requester_name = models.CharField(_("requester's name"), max_length=50, blank=True)
    requester_phone = models.CharField(_("requester's phone"), max_length=20, blank=True)
    name_public = models.BooleanField(_("name shown publicly"), default=False)
    # Who entered the order (the resident, the grid worker, the hotline operator); none for devices.
    reporter = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_orders",
        verbose_name=_("reported by"),
    )
    client_token = models.CharField(_("client token"), max_length=64, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    state = models.CharField(
        _("state"), max_length=12, choices=OrderState.choices, default=OrderState.REPORTED
    )

    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_orders",
        verbose_name=_("assignee"),
    )
    assignee_unit = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_orders",
        verbose_name=_("assigned unit"),
    )
    dispatched_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatched_orders",
        verbose_name=_("dispatched by"),
    )

    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)

    overdue = models.BooleanField(_("overdue"), default=False)
    near_deadline_notified = models.BooleanField(default=False, editable=False)
    auto_escalated = models.BooleanField(default=False, editable=False)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    remind_count = models.PositiveSmallIntegerField(_("reminders"), default=0)
    reopened = models.BooleanField(_("reopened"), default=False)
    resolved_on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    supporters_count = models.PositiveIntegerField(_("me too"), default=0)

    pending_request = models.CharField(
        _("awaiting approval"),
        max_length=10,
        choices=PendingRequest.choices,
        default=PendingRequest.NONE,
        blank=True,
    )
    pending_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    pending_unit = models.CharField(max_length=16, blank=True)

    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)

    # Number of events written; the next event's seq. Kept on the locked row.
    event_seq = models.PositiveIntegerField(default=0, editable=False)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_token"],
                condition=~Q(client_token=""),
                name="workorder_unique_client_token",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in OrderState]),
                name="workorder_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline_at"], name="workorder_state_deadline"),
            models.Index(fields=["assignee", "state"], name="workorder_assignee_state"),
            models.Index(fields=["category", "state"], name="workorder_category_state"),
            # The grid worker's queue and the desk, per region (see workorders.queues): the
            # open states of a subtree, and a subtree's newest orders. varchar_pattern_ops
            # lets PostgreSQL match the path prefix (LIKE) in them; SQLite ignores opclasses.
            models.Index(
                fields=["state", "region_path"],
                name="workorder_state_region",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["region_path", "created_at"],
                name="workorder_region_created",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def requester_display_name(self) -> str:
        """The requester's name as others may see it: masked unless they made it public."""
        name = self.requester_name or (self.requester.name if self.requester else "")
        return name if self.name_public else mask_name(name)

    @property
    def requester_phone_masked(self) -> str:
        return mask_phone(self.requester_phone)


class _EventQuerySet(models.QuerySet["OrderEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Order events are immutable")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise TypeError("Order events are immutable")


class OrderEvent(models.Model):
    """One step in an order's history: who did what, when, from which state to which."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="events", verbose_name=_("work order")
    )
    seq = models.PositiveIntegerField(_("step"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_events",
        verbose_name=_("by"),
    )
    from_state = models.CharField(_("from"), max_length=12, choices=OrderState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=OrderState.choices)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = _EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seq"], name="orderevent_unique_seq"),
        ]
        indexes = [models.Index(fields=["action", "at"], name="orderevent_action_at")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # History is append-only: an event that exists is never written again.
        if not self._state.adding:
            raise TypeError("Order events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Order events are immutable")


class OrderPhoto(models.Model):
    """A photo attached to an order when it was reported or at a later step (evidence)."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="photos", verbose_name=_("work order")
    )
    event = models.ForeignKey(
        OrderEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("step"),
    )
    image = models.FileField(_("photo"), upload_to="orders/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="orders/%Y/%m/thumbs/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order photo")
        verbose_name_plural = _("order photos")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} of order {self.order_id}"


class OrderSupport(models.Model):
    """我也遇到了: a person who has the same problem as an open order."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("me too")
        verbose_name_plural = _("me too")
        constraints = [
            models.UniqueConstraint(fields=["order", "user"], name="ordersupport_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.order_id}"


class OrderNumberCounter(models.Model):
    """The last order number handed out on a day (numbers are YYYYMMDD + a daily serial)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
