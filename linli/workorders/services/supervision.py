"""Steps that leave the state alone: escalation (督办), reminders (催办), "me too" support,
and the system marking an order overdue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.workorders.models import Action, OrderSupport, WorkOrder
from linli.workorders.permissions import relations
from linli.workorders.services.transitions import apply_action, copy_back, lock_order
from linli.workorders.workflow import ActionRefused, check


def escalate_order(*, order: WorkOrder, by: User | None, note: str = "") -> WorkOrder:
    """督办. `by=None` is the deadline sweep escalating an order long overdue."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.escalation_count += 1
        fields = ["escalation_count"]
        if by is None:
            o.auto_escalated = True
            fields.append("auto_escalated")
        return fields

    return apply_action(order=order, by=by, action=Action.ESCALATE, note=note, change=change)


def remind_order(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """催办: nudge the assignee."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.remind_count += 1
        return ["remind_count"]

    return apply_action(order=order, by=by, action=Action.REMIND, note=note, change=change)


def support_order(*, order: WorkOrder, by: User) -> WorkOrder:
    """我也遇到了: count one more person with the same problem. Supporting twice is a no-op."""
    with transaction.atomic():
        locked = lock_order(order.pk)
        # A repeat is a no-op only while supporting is allowed at all (not once handled).
        check(locked, Action.SUPPORT, relations(by, locked))
        if OrderSupport.objects.filter(order=locked, user=by).exists():
            copy_back(locked, order)
            return locked

        def change(o: WorkOrder, now: datetime) -> Iterable[str]:
            OrderSupport.objects.create(order=o, user=by, created_at=now)
            o.supporters_count += 1
            return ["supporters_count"]

        supported = apply_action(order=locked, by=by, action=Action.SUPPORT, change=change)
    copy_back(supported, order)
    return supported


def mark_overdue(*, order: WorkOrder) -> WorkOrder:
    """The system marks an order whose deadline passed before it was handled."""

    def precheck(o: WorkOrder) -> None:
        if o.deadline_at is None or o.deadline_at > timezone.now():
            raise ActionRefused(_("The order is not past its deadline."), code="mark_overdue")

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.overdue = True
        return ["overdue"]

    return apply_action(
        order=order,
        by=None,
        action=Action.MARK_OVERDUE,
        note=_("The handling deadline has passed."),
        change=change,
        precheck=precheck,
    )
