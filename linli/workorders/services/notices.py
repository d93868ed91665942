"""Who hears about each step of an order, and what they are told.

The one place where work orders call the notification inbox. `notify` writes the inbox row
in the same transaction as the step (so a committed step always has its message) and sends
SMS / WeChat / e-mail only after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import OrganizationMembership, Role, RoleAssignment, User
from linli.accounts.notifications import notify
from linli.territory import gridindex
from linli.workorders.models import Action, OrderEvent, Satisfaction, WorkOrder

_TITLE = _("Work order %(number)s: %(action)s")
_BODY = _("%(category)s · %(address)s\n%(note)s")

_TO_ASSIGNEE = frozenset(
    {
        Action.DISPATCH,
        Action.REFUSE_RETURN,
        Action.APPROVE_EXTENSION,
        Action.REFUSE_EXTENSION,
        Action.APPROVE_PARK,
        Action.REFUSE_PARK,
        Action.RESUME,
        Action.REWORK,
        Action.ESCALATE,
        Action.REMIND,
        Action.MARK_OVERDUE,
    }
)
_TO_REQUESTER = frozenset(
    {
        Action.FILE,
        Action.DECLINE,
        Action.DISPATCH,
        Action.CLAIM,
        Action.ACCEPT,
        Action.HANDLE,
        Action.CLOSE,
        Action.RESOLVE_ON_SPOT,
        Action.CANCEL,
    }
)
# Steps that wait on whoever dispatched the order (or, failing that, the grid's workers).
_TO_DISPATCHER = frozenset(
    {
        Action.RETURN,
        Action.REQUEST_EXTENSION,
        Action.PARK,
        Action.HANDLE,
        Action.REOPEN,
        Action.MARK_OVERDUE,
        Action.CLAIM,
    }
)


def _place_name(order: WorkOrder) -> str:
    """Where the order is, in words, for a message without an address: its grid as people
    name it (from the in-memory grid index, no query), else the point."""
    found = gridindex.resolve(order.lng, order.lat)
    return found.grid_label() if found.found else f"{order.lng:.5f}, {order.lat:.5f}"


def order_url(order: WorkOrder) -> str:
    """The order's page. The pages live in this app's urls; until they exist, the path they
    will have."""
    try:
        return reverse("workorders:detail", args=[order.pk])
    except NoReverseMatch:
        return f"/orders/{order.pk}/"


def grid_workers(order: WorkOrder) -> list[User]:
    """The grid workers of the order's own grid."""
    return [
        a.user
        for a in RoleAssignment.objects.active()
        .filter(role=Role.GRID_WORKER, region_id=order.grid_id, user__is_active=True)
        .select_related("user")
    ]


def assignee_users(order: WorkOrder) -> list[User]:
    if order.assignee is not None:
        return [order.assignee]
    if order.assignee_unit_id is None:
        return []
    members = OrganizationMembership.objects.filter(
        organization_id=order.assignee_unit_id, user__is_active=True
    ).select_related("user")
    managers = [m.user for m in members if m.is_manager]
    return managers or [m.user for m in members]


def recipients(order: WorkOrder, event: OrderEvent) -> list[User]:
    action = Action(event.action)
    found: list[User] = []
    if action in _TO_ASSIGNEE:
        found += assignee_users(order)
    if action in _TO_REQUESTER and order.requester is not None:
        found.append(order.requester)
    if action in _TO_DISPATCHER or (
        action == Action.RATE and order.satisfaction == Satisfaction.DISSATISFIED
    ):
        found += [order.dispatched_by] if order.dispatched_by else grid_workers(order)
    unique = {u.pk: u for u in found if u.pk != event.actor_id}
    return list(unique.values())


def announce(*, order: WorkOrder, event: OrderEvent, extra: Iterable[User] = ()) -> None:
    """Tell everyone concerned about `event`. Call inside the step's transaction."""
    users = {u.pk: u for u in [*recipients(order, event), *extra] if u.pk != event.actor_id}
    if not users:
        return
    params = {
        "number": order.number,
        "action": Action(event.action).label,
        "category": order.category.name,
        "address": order.address or _place_name(order),
        "note": event.note,
    }
    url = order_url(order)
    for user in users.values():
        notify(
            user=user,
            title=_TITLE,
            body=_BODY,
            params=params,
            url=url,
            kind=f"workorder.{event.action}",
        )
