"""How orders read on the grid worker's and dispatcher's pages: states in the words of the
step each waits for (待立案, 待派单 …), deadlines that say how long is left or how late it
is, and recommendation scores."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.workorders.models import DeadlineUnit, OrderState, PendingRequest, WorkOrder

register = template.Library()

S = OrderState
STAFF_STATE_TEXT: dict[str, Promise] = {
    S.REPORTED: gettext_lazy("To file"),
    S.FILED: gettext_lazy("To dispatch"),
    S.DISPATCHED: gettext_lazy("To be accepted"),
    S.ACCEPTED: gettext_lazy("Being handled"),
    S.RETURNED: gettext_lazy("Returned"),
    S.PARKED: gettext_lazy("Parked"),
    S.HANDLED: gettext_lazy("To check"),
    S.CLOSED: gettext_lazy("Closed"),
    S.RATED: gettext_lazy("Rated"),
    S.DECLINED: gettext_lazy("Declined"),
    S.CANCELLED: gettext_lazy("Cancelled"),
}
STAFF_STATE_TONE: dict[str, str] = {
    S.REPORTED: "new",
    S.FILED: "new",
    S.DISPATCHED: "busy",
    S.ACCEPTED: "busy",
    S.RETURNED: "warn",
    S.PARKED: "warn",
    S.HANDLED: "check",
    S.CLOSED: "done",
    S.RATED: "done",
    S.DECLINED: "off",
    S.CANCELLED: "off",
}


@register.filter
def desk_state(state: str) -> str:
    return str(STAFF_STATE_TEXT.get(state, state))


@register.filter
def desk_tone(state: str) -> str:
    return STAFF_STATE_TONE.get(state, "off")


@register.filter
def pending_text(order: WorkOrder) -> str:
    if order.pending_request == PendingRequest.EXTENSION:
        return _("Extension asked for")
    if order.pending_request == PendingRequest.PARK:
        return _("Parking asked for")
    return ""


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return _("%(n)d min") % {"n": max(minutes, 1)}
    hours = minutes // 60
    if hours < 48:
        return _("%(n)d h") % {"n": hours}
    return _("%(n)d days") % {"n": hours // 24}


@register.filter
def deadline_text(order: WorkOrder, now: datetime | None = None) -> str:
    """“2 h left”, “3 days late”, “clock paused” for a parked order (its clock stops and
    resuming gives a fresh deadline), or nothing when no deadline runs."""
    if order.state == S.PARKED:
        return _("Clock paused")
    if order.deadline_at is None or not order.is_open or order.state == S.HANDLED:
        return ""
    left = (order.deadline_at - (now or timezone.now())).total_seconds()
    if left < 0:
        return _("%(span)s late") % {"span": _span(-left)}
    return _("%(span)s left") % {"span": _span(left)}


@register.filter
def deadline_at(order: WorkOrder) -> str:
    if order.deadline_at is None:
        return ""
    return date_format(timezone.localtime(order.deadline_at), "m-d H:i")


@register.filter
def is_late(order: WorkOrder) -> bool:
    if order.overdue and order.is_open:
        return True
    return bool(
        order.deadline_at is not None
        and order.state in (S.DISPATCHED, S.ACCEPTED)
        and order.deadline_at < timezone.now()
    )


@register.filter
def pending_unit_text(order: WorkOrder) -> str:
    if order.pending_unit in DeadlineUnit.values:
        return str(DeadlineUnit(order.pending_unit).label)
    return order.pending_unit


@register.filter
def place_name(order: WorkOrder) -> str:
    """Community and grid, without saying the community twice (grids are often named after
    it: 桂鹤社区第1网格)."""
    community, grid = order.community.name, order.grid.name
    return grid if grid.startswith(community) else f"{community} · {grid}"


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"
