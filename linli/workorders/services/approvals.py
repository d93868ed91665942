"""Requests that wait for a supervisor: extension (延期) and parking (挂账), and resuming a
parked order. A request is an event plus the order's pending_* fields; approval or refusal
is another event that clears them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.workorders.deadlines import WorkCalendar
from linli.workorders.models import Action, DeadlineUnit, PendingRequest, WorkOrder
from linli.workorders.services.lifecycle import start_clock
from linli.workorders.services.transitions import apply_action

# The longest extension one request may ask for.
MAX_EXTENSION = {DeadlineUnit.WORKING_HOURS: 80, DeadlineUnit.WORKING_DAYS: 30}


def _clean_extension(amount: int, unit: str) -> tuple[int, str]:
    if unit not in MAX_EXTENSION:
        raise ValidationError({"unit": _("Choose working hours or working days.")})
    limit = MAX_EXTENSION[DeadlineUnit(unit)]
    if not isinstance(amount, int) or not 1 <= amount <= limit:
        raise ValidationError(
            {
                "amount": _("Ask for between 1 and %(max)d %(unit)s.")
                % {"max": limit, "unit": DeadlineUnit(unit).label}
            }
        )
    return amount, unit


def _clear_pending(order: WorkOrder) -> list[str]:
    order.pending_request = PendingRequest.NONE
    order.pending_amount = None
    order.pending_unit = ""
    return ["pending_request", "pending_amount", "pending_unit"]


def request_extension(
    *, order: WorkOrder, by: User, amount: int, unit: str, note: str
) -> WorkOrder:
    """延期申请: the assignee asks for more working time, with the reason."""
    amount, unit = _clean_extension(amount, unit)

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.pending_request = PendingRequest.EXTENSION
        o.pending_amount = amount
        o.pending_unit = unit
        return ["pending_request", "pending_amount", "pending_unit"]

    return apply_action(
        order=order,
        by=by,
        action=Action.REQUEST_EXTENSION,
        note=note,
        data={"amount": amount, "unit": unit},
        change=change,
    )


def approve_extension(
    *,
    order: WorkOrder,
    by: User,
    note: str = "",
    amount: int | None = None,
    unit: str | None = None,
) -> WorkOrder:
    """Grant the extension asked for (or another amount): the deadline moves on by that much
    working time."""
    if amount is not None or unit is not None:
        amount, unit = _clean_extension(amount or 0, unit or "")
    data: dict[str, object] = {}

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        granted = amount or o.pending_amount or 0
        granted_unit = unit or o.pending_unit
        start = o.deadline_at or now
        o.deadline_at = WorkCalendar.load().add_limit(start, granted, granted_unit)
        o.extension_count += 1
        if o.deadline_at > now:
            o.near_deadline_notified = False
        data.update(amount=granted, unit=granted_unit, deadline_at=o.deadline_at.isoformat())
        return ["deadline_at", "extension_count", "near_deadline_notified", *_clear_pending(o)]

    return apply_action(
        order=order,
        by=by,
        action=Action.APPROVE_EXTENSION,
        note=note,
        data=data,
        change=change,
    )


def refuse_extension(*, order: WorkOrder, by: User, note: str) -> WorkOrder:
    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        return _clear_pending(o)

    return apply_action(
        order=order, by=by, action=Action.REFUSE_EXTENSION, note=note, change=change
    )


def park_order(*, order: WorkOrder, by: User, note: str) -> WorkOrder:
    """挂账申请: the assignee asks to park an order that cannot be solved in time (seasonal or
    engineering work), with the reason."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.pending_request = PendingRequest.PARK
        return ["pending_request"]

    return apply_action(order=order, by=by, action=Action.PARK, note=note, change=change)


def approve_park(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """Park the order: its clock stops until it is handled or resumed."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        return _clear_pending(o)

    return apply_action(order=order, by=by, action=Action.APPROVE_PARK, note=note, change=change)


def refuse_park(*, order: WorkOrder, by: User, note: str) -> WorkOrder:
    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        return _clear_pending(o)

    return apply_action(order=order, by=by, action=Action.REFUSE_PARK, note=note, change=change)


def resume_order(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """Take a parked order back into normal handling with a fresh deadline."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        return start_clock(o, now)

    return apply_action(order=order, by=by, action=Action.RESUME, note=note, change=change)
