"""Reads behind the grid worker's queue and the dispatch desk: the tabs and their counts,
the desk's filters, the steps waiting for approval, and the result a check looks at. Each
function owns its select_related/prefetch, so a page of orders costs a fixed number of
queries however many orders there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.workorders.models import (
    CLOCK_STATES,
    OPEN_STATES,
    Action,
    OrderEvent,
    OrderPhoto,
    OrderState,
    PendingRequest,
    WorkOrder,
    WorkOrderQuerySet,
)

S = OrderState
# What counts as new on the grid worker's queue.
NEW_WITHIN = timedelta(hours=24)


class WorkerTab(models.TextChoices):
    NEW = "new", _("New")
    TO_FILE = "to_file", _("To file")
    TO_DISPATCH = "to_dispatch", _("To dispatch")
    OVERDUE = "overdue", _("Overdue")
    TO_CHECK = "to_check", _("To check")


def overdue_q(now: Any = None) -> Q:
    """Open orders marked overdue, and those whose running deadline has passed (the sweep
    marks them within minutes)."""
    now = now or timezone.now()
    return Q(overdue=True, state__in=OPEN_STATES) | Q(state__in=CLOCK_STATES, deadline_at__lt=now)


def worker_tab_filters(now: Any = None) -> dict[str, Q]:
    now = now or timezone.now()
    return {
        WorkerTab.NEW: Q(created_at__gte=now - NEW_WITHIN),
        WorkerTab.TO_FILE: Q(state=S.REPORTED),
        WorkerTab.TO_DISPATCH: Q(state__in=[S.FILED, S.RETURNED]),
        WorkerTab.OVERDUE: overdue_q(now),
        WorkerTab.TO_CHECK: Q(state=S.HANDLED),
    }


# Oldest first where people wait their turn; urgent ones ahead of the rest.
WORKER_TAB_ORDER = {
    WorkerTab.NEW: ["-created_at", "-pk"],
    WorkerTab.TO_FILE: ["-urgent", "created_at", "pk"],
    WorkerTab.TO_DISPATCH: ["-urgent", "state", "filed_at", "pk"],
    WorkerTab.OVERDUE: ["deadline_at", "pk"],
    WorkerTab.TO_CHECK: ["handled_at", "pk"],
}


def tab_counts(orders: WorkOrderQuerySet, filters: dict[str, Q]) -> dict[str, int]:
    """How many orders each tab holds, in one query that reads only the orders some tab
    holds. Each tab's filter finds its own rows through an index (its open states through
    (state, region_path), the last day through (region_path, created_at)) and the counts
    are taken over their union, so the cost follows the region's open work rather than its
    whole history."""
    if not filters:
        return {}
    held = reduce(
        lambda union, more: union.union(more, all=True),
        (orders.filter(q).order_by().values("pk") for q in filters.values()),
    )
    found: dict[str, int] = (
        WorkOrder.objects.using(orders.db)
        .filter(pk__in=held)
        .order_by()
        .aggregate(**{name: Count("pk", filter=q) for name, q in filters.items()})
    )
    return found


def _with_steps(orders: WorkOrderQuerySet, actions: list[str]) -> WorkOrderQuerySet:
    """Prefetch each order's events of `actions` (newest first), with their photos, as
    `order.steps`."""
    steps = (
        OrderEvent.objects.filter(action__in=actions)
        .select_related("actor")
        .prefetch_related(Prefetch("photos", queryset=OrderPhoto.objects.order_by("pk")))
        .order_by("-seq")
    )
    return orders.prefetch_related(Prefetch("events", queryset=steps, to_attr="steps"))


def worker_queue(orders: WorkOrderQuerySet, tab: str, now: Any = None) -> WorkOrderQuerySet:
    """One tab of the queue, in its order. Handled orders carry their result (`steps`)."""
    found = orders.filter(worker_tab_filters(now)[tab]).with_details()
    # Parents too: a category's icon may be its major class's.
    found = found.select_related("community", "category__parent__parent")
    found = found.order_by(*WORKER_TAB_ORDER[WorkerTab(tab)])
    if tab in (WorkerTab.TO_CHECK, WorkerTab.TO_DISPATCH):
        found = _with_steps(found, [Action.HANDLE, Action.RETURN])
    return found


@dataclass(frozen=True)
class DeskFilters:
    """The desk's filters, cleaned (see staff_forms.DeskFilterForm)."""

    state: str = ""
    category: Any = None  # a Category, any level
    source: str = ""
    overdue: bool = False
    region: Any = None  # the deepest region chosen (district, subdistrict or community)
    text: str = ""


# Pseudo-states of the desk's state filter: returned, or an extension or parking asked for;
# and every state, closed ones too (no value: the open ones).
AWAITING_APPROVAL = "awaiting_approval"
ALL_STATES = "all"


def awaiting_approval_q() -> Q:
    return Q(state=S.RETURNED) | (Q(state=S.ACCEPTED) & ~Q(pending_request=PendingRequest.NONE))


def desk_queue(orders: WorkOrderQuerySet, filters: DeskFilters) -> WorkOrderQuerySet:
    if filters.state == AWAITING_APPROVAL:
        orders = orders.filter(awaiting_approval_q())
    elif filters.state == ALL_STATES:
        pass
    elif filters.state:
        orders = orders.filter(state=filters.state)
    else:  # by default, the orders still being worked on
        orders = orders.open()
    if filters.category is not None:
        c = filters.category
        orders = orders.filter(
            Q(category=c) | Q(category__parent=c) | Q(category__parent__parent=c)
        )
    if filters.source:
        orders = orders.filter(source=filters.source)
    if filters.overdue:
        orders = orders.filter(overdue_q())
    if filters.region is not None:
        orders = orders.in_region_paths([filters.region.path])
    if text := filters.text.strip():
        orders = orders.filter(
            Q(number__startswith=text) | Q(description__icontains=text) | Q(address__icontains=text)
        )
    return orders.with_details().select_related("community").order_by("-created_at", "-pk")


def desk_counts(orders: WorkOrderQuerySet) -> dict[str, int]:
    """The desk's headline figures, in one query."""
    return tab_counts(
        orders,
        {
            "to_file": Q(state=S.REPORTED),
            "to_dispatch": Q(state=S.FILED),
            "awaiting_approval": awaiting_approval_q(),
            "overdue": overdue_q(),
            "to_check": Q(state=S.HANDLED),
        },
    )


def approvals(orders: WorkOrderQuerySet, *, limit: int = 300) -> dict[str, list[WorkOrder]]:
    """Orders waiting on a supervisor (the first `limit`), by kind, oldest request first;
    each carries the request's event (with its reason) as `order.steps[0]`."""
    found = _with_steps(
        orders.filter(awaiting_approval_q()).with_details().select_related("community"),
        [Action.RETURN, Action.REQUEST_EXTENSION, Action.PARK],
    ).order_by("pk")[:limit]
    groups: dict[str, list[WorkOrder]] = {"returns": [], "extensions": [], "parking": []}
    for order in found:
        if order.state == S.RETURNED:
            groups["returns"].append(order)
        elif order.pending_request == PendingRequest.EXTENSION:
            groups["extensions"].append(order)
        else:
            groups["parking"].append(order)
    for group in groups.values():
        group.sort(key=lambda o: o.steps[0].at if o.steps else o.created_at)  # type: ignore[attr-defined]
    return groups
