"""The deadline sweep: warn before a deadline, mark orders overdue, escalate by rule.

Idempotent: an order is warned once per deadline, marked overdue once, and escalated by the
system once per deadline, so running it twice (or from two workers) changes nothing more.
Each order is handled in its own transaction through the ordinary services."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.notifications import notify
from linli.workorders.deadlines import WorkCalendar
from linli.workorders.models import WorkOrder
from linli.workorders.services.notices import assignee_users, order_url
from linli.workorders.services.supervision import escalate_order, mark_overdue

logger = logging.getLogger(__name__)

_NEAR_TITLE = _("Work order %(number)s is due soon")
_NEAR_BODY = _("%(category)s · due at %(deadline)s")


@dataclass
class SweepResult:
    warned: list[str] = field(default_factory=list)
    marked_overdue: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.__dict__.items()}


def _warn(order: WorkOrder) -> bool:
    with transaction.atomic():
        claimed = WorkOrder.objects.filter(pk=order.pk, near_deadline_notified=False).update(
            near_deadline_notified=True
        )
        if not claimed:
            return False
        deadline = timezone.localtime(order.deadline_at) if order.deadline_at else None
        for user in assignee_users(order):
            notify(
                user=user,
                title=_NEAR_TITLE,
                body=_NEAR_BODY,
                params={
                    "number": order.number,
                    "category": order.category.name,
                    "deadline": f"{deadline:%m-%d %H:%M}" if deadline else "",
                },
                url=order_url(order),
                kind="workorder.near_deadline",
            )
    return True


def sweep_deadlines(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    calendar = WorkCalendar.load()
    result = SweepResult()
    near = timedelta(hours=settings.ORDER_NEAR_DEADLINE_HOURS)
    escalate_after = settings.ORDER_ESCALATE_AFTER_OVERDUE_HOURS * 60
    running = WorkOrder.objects.clock_running().select_related("category", "assignee")

    for order in running.filter(
        near_deadline_notified=False, deadline_at__gt=now, deadline_at__lte=now + near
    ):
        if _warn(order):
            result.warned.append(order.number)

    for order in running.filter(overdue=False, deadline_at__lte=now):
        try:
            mark_overdue(order=order)
            result.marked_overdue.append(order.number)
        except ValidationError as exc:  # acted on meanwhile: nothing to do
            logger.info("sweep: %s not marked overdue: %s", order.number, exc.messages)

    for order in running.filter(auto_escalated=False, deadline_at__lte=now):
        if order.deadline_at is None:
            continue
        if calendar.working_minutes_between(order.deadline_at, now) < escalate_after:
            continue
        try:
            escalate_order(
                order=order,
                by=None,
                note=str(
                    _("Overdue by more than %(hours)d working hours: escalated automatically.")
                    % {"hours": settings.ORDER_ESCALATE_AFTER_OVERDUE_HOURS}
                ),
            )
            result.escalated.append(order.number)
        except ValidationError as exc:
            logger.info("sweep: %s not escalated: %s", order.number, exc.messages)
            result.failed.append(order.number)
    return result
