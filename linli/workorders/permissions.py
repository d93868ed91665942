"""Who may see and act on which work order: role × region × relation to the order.

The transition table (`workflow.TRANSITIONS`) says which relations may take each action;
this module works out a person's relations to an order, using the territory's region
scoping (`linli.territory.permissions.region_paths`) for every role held in a region.
Views, the API and services all ask here; nothing else decides.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from linli.accounts.models import (
    Organization,
    OrganizationMembership,
    ResponderKind,
    Role,
    RoleAssignment,
    User,
)
from linli.territory.models import subtree_q
from linli.territory.permissions import region_paths, role_assignments
from linli.workorders.models import (
    Action,
    OrderState,
    OrderSupport,
    WorkOrder,
    WorkOrderQuerySet,
)
from linli.workorders.queries import claimable_orders
from linli.workorders.workflow import TRANSITIONS, Actor, refusal

# Roles that see every order of their region.
ORDER_READ_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.DISPATCHER,
        Role.PROGRAMME_STAFF,
        Role.LEADER,
        Role.ADMIN,
    }
)
# Region roles and the relation each gives to the orders inside the region.
_ROLE_ACTORS = {
    Role.GRID_WORKER: Actor.GRID_WORKER,
    Role.GRID_LEADER: Actor.GRID_LEADER,
    Role.DISPATCHER: Actor.DISPATCHER,
    Role.LEADER: Actor.LEADER,
    Role.ADMIN: Actor.ADMIN,
}
# Roles whose holders may dispatch, and so may reach responders anywhere in their region.
_DISPATCH_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.DISPATCHER, Role.ADMIN})
# The kind of responder an organisation of each kind counts as.
UNIT_RESPONDER_KIND = {
    Organization.Kind.DEPARTMENT: ResponderKind.DEPARTMENT,
    Organization.Kind.PROPERTY_COMPANY: ResponderKind.PROPERTY_COMPANY,
    Organization.Kind.MERCHANT: ResponderKind.MERCHANT,
    Organization.Kind.VOLUNTEER_TEAM: ResponderKind.VOLUNTEER,
    Organization.Kind.PARTY_BRANCH: ResponderKind.PARTY_MEMBER,
    Organization.Kind.SOCIAL_ORGANIZATION: ResponderKind.VOLUNTEER,
    Organization.Kind.UNION: ResponderKind.VOLUNTEER,
}
# Actions a person may be offered (the others are taken by the system or at creation).
_PERSON_ACTIONS = [a for a in Action if a not in (Action.REPORT, Action.MARK_OVERDUE)]


def _covers(paths: list[str], region_path: str) -> bool:
    return any(region_path.startswith(p) for p in paths)


def organization_ids(user: User) -> frozenset[int]:
    """Organisations the user belongs to, cached on the user object for the request."""
    cached: frozenset[int] | None = getattr(user, "_linli_org_ids", None)
    if cached is None:
        cached = frozenset(
            OrganizationMembership.objects.filter(user=user).values_list(
                "organization_id", flat=True
            )
        )
        user._linli_org_ids = cached  # type: ignore[attr-defined]
    return cached


def responder_kinds_for(user: User, region_path: str) -> set[str]:
    """Kinds of responder the user is in a region containing `region_path`."""
    return {
        a.responder_kind
        for a in role_assignments(user)
        if a.role == Role.RESPONDER and region_path.startswith(a.region.path)
    }


def is_assignee(user: User, order: WorkOrder) -> bool:
    if order.assignee_id is not None and order.assignee_id == user.pk:
        return True
    return order.assignee_unit_id is not None and order.assignee_unit_id in organization_ids(user)


def relations(user: User | None, order: WorkOrder) -> frozenset[Actor]:
    """Every way `user` stands to `order`; `None` is the system."""
    if user is None:
        return frozenset({Actor.SYSTEM})
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    found: set[Actor] = set()
    found.add(Actor.REQUESTER if order.requester_id == user.pk else Actor.SUPPORTER)
    if is_assignee(user, order):
        found.add(Actor.ASSIGNEE)
    if any(
        order.category.allows_responder_kind(k)
        for k in responder_kinds_for(user, order.region_path)
    ):
        found.add(Actor.CLAIMANT)
    for role, actor in _ROLE_ACTORS.items():
        if _covers(region_paths(user, frozenset({role})), order.region_path):
            found.add(actor)
    return frozenset(found)


def can(user: User | None, order: WorkOrder, action: Action | str) -> bool:
    return refusal(order, Action(action), relations(user, order)) is None


def allowed_actions(user: User, order: WorkOrder) -> list[Action]:
    """The actions `user` may take on `order` now, in table order."""
    rels = relations(user, order)
    return [a for a in _PERSON_ACTIONS if refusal(order, a, rels) is None]


def can_view(user: User, order: WorkOrder) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if _covers(region_paths(user, ORDER_READ_ROLES), order.region_path):
        return True
    rels = relations(user, order)
    if rels & {Actor.REQUESTER, Actor.ASSIGNEE}:
        return True
    if (
        Actor.CLAIMANT in rels
        and order.state == OrderState.FILED
        and order.category.open_to_claiming
    ):
        return True
    return OrderSupport.objects.filter(order=order, user=user).exists()


def visible_orders(user: User) -> WorkOrderQuerySet:
    """Every order the user may open: those of their regions, their own, those dispatched to
    them or their unit, those they supported, and those they may claim."""
    if not user.is_authenticated or not user.is_active:
        return WorkOrder.objects.none()
    scoped = WorkOrder.objects.in_region_paths(region_paths(user, ORDER_READ_ROLES))
    mine = WorkOrder.objects.filter(requester=user) | WorkOrder.objects.filter(assignee=user)
    if orgs := organization_ids(user):
        mine = mine | WorkOrder.objects.filter(assignee_unit_id__in=orgs)
    supported = WorkOrder.objects.filter(
        pk__in=OrderSupport.objects.filter(user=user).values("order_id")
    )
    return scoped | mine | supported | claimable_orders(user).select_related(None)


def get_order_for(user: User, pk: int, *, write: bool = False) -> WorkOrder:
    """The order `pk` if the user may see it (and, with write=True, act on it in some way);
    404 for missing and forbidden alike. Whether a particular action is possible now is for
    `can` / the services to say, with a message."""
    order = WorkOrder.objects.with_details().filter(pk=pk).first()
    if order is None or not can_view(user, order):
        raise Http404("No such work order")
    if write:
        acting = relations(user, order) - {Actor.SUPPORTER}
        if not any(acting & TRANSITIONS[action].actors for action in _PERSON_ACTIONS):
            raise Http404("No such work order")
    return order


def get_order_to_support(user: User, pk: int) -> WorkOrder:
    """An open order offered as a duplicate ("me too"), if the user may support it."""
    order = WorkOrder.objects.with_details().filter(pk=pk).first()
    if order is None or not can(user, order, Action.SUPPORT):
        raise Http404("No such work order")
    return order


def dispatch_target_refusal(
    *, by: User, order: WorkOrder, to_user: User | None, to_unit: Organization | None
) -> str | None:
    """Why the order may not be dispatched to this person or unit; None if it may.

    A responder (or unit) qualifies when its kind is one the category allows and it serves
    the order's grid, or sits inside a region where `by` dispatches."""
    dispatch_paths = region_paths(by, _DISPATCH_ROLES)
    category = order.category
    if to_user is not None:
        if not to_user.is_active:
            return _("%(name)s's account is disabled.") % {"name": to_user.name}
        for a in role_assignments(to_user):
            if a.role != Role.RESPONDER or not category.allows_responder_kind(a.responder_kind):
                continue
            path = a.region.path
            if order.region_path.startswith(path) or _covers(dispatch_paths, path):
                return None
        return _("%(name)s is not a responder for “%(category)s” in this area.") % {
            "name": to_user.name,
            "category": category.name,
        }
    if to_unit is not None:
        kind = UNIT_RESPONDER_KIND.get(Organization.Kind(to_unit.kind))
        if kind is None or not category.allows_responder_kind(kind):
            return _("%(unit)s does not take orders of “%(category)s”.") % {
                "unit": to_unit.name,
                "category": category.name,
            }
        path = to_unit.service_area.path
        if order.region_path.startswith(path) or _covers(dispatch_paths, path):
            return None
        return _("%(unit)s does not serve this area.") % {"unit": to_unit.name}
    return _("Choose a person or a unit to dispatch to.")


def _dispatch_reach(by: User | None, order: WorkOrder) -> tuple[list[str], list[str]]:
    """Where a responder's (or unit's) area may be for `order` to be dispatched to them: one
    of the regions the order lies in (its chain of paths), or inside one of `by`'s regions."""
    ids = order.region_path.strip("/").split("/")
    chain = ["/" + "/".join(ids[:i]) + "/" for i in range(1, len(ids) + 1)]
    return chain, region_paths(by, _DISPATCH_ROLES) if by is not None else []


def dispatchable_users(
    *,
    by: User | None,
    order: WorkOrder,
    user_ids: list[int],
    fields: tuple[str, ...] = (),
    annotations: dict[str, Any] | None = None,
) -> dict[int, tuple[object, ...]]:
    """Of `user_ids`, those `by` may dispatch `order` to (with `by=None`: those serving the
    order's area), each with `fields` read through their role row (e.g. "user__name") and
    then the `annotations`. The rule of dispatch_target_refusal for persons, for many in
    one query."""
    chain, regions = _dispatch_reach(by, order)
    # The region test below, narrowed in SQL first so no other row is joined.
    chain_ids = [int(pk) for pk in order.region_path.strip("/").split("/")]
    where = Q(region_id__in=chain_ids) | subtree_q(regions, "region__path")
    rows = RoleAssignment.objects.active().filter(
        where, user_id__in=user_ids, role=Role.RESPONDER, user__is_active=True
    )
    annotations = annotations or {}
    found: dict[int, tuple[object, ...]] = {}
    for user_id, kind, path, *extra in rows.annotate(**annotations).values_list(
        "user_id", "responder_kind", "region__path", *fields, *annotations
    ):
        if order.category.allows_responder_kind(kind) and (path in chain or _covers(regions, path)):
            found[user_id] = tuple(extra)
    return found


def dispatchable_user_ids(*, by: User | None, order: WorkOrder, user_ids: list[int]) -> set[int]:
    return set(dispatchable_users(by=by, order=order, user_ids=user_ids))


def dispatchable_units(*, by: User | None, order: WorkOrder) -> QuerySet[Organization]:
    """Units `by` may dispatch `order` to (with `by=None`: those serving the order's area):
    of a kind the category allows, serving the order's area or inside `by`'s regions."""
    kinds = [
        org_kind
        for org_kind, kind in UNIT_RESPONDER_KIND.items()
        if order.category.allows_responder_kind(kind)
    ]
    chain, regions = _dispatch_reach(by, order)
    where = Q(service_area__path__in=chain) | subtree_q(regions, "service_area__path")
    return Organization.objects.filter(where, kind__in=kinds)


# The grid worker's queue: orders of the grids (or community) they look after.
GRID_STAFF_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
# The dispatch desk: the cross-grid queue and approvals of a dispatcher's (or admin's)
# region; leaders may open it to escalate.
DESK_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN, Role.LEADER})


def grid_staff_orders(user: User) -> WorkOrderQuerySet:
    """Every order in the regions where the user is a grid worker or grid leader."""
    return WorkOrder.objects.in_region_paths(region_paths(user, GRID_STAFF_ROLES))


def desk_orders(user: User) -> WorkOrderQuerySet:
    """Every order in the regions where the user dispatches, supervises or leads."""
    return WorkOrder.objects.in_region_paths(region_paths(user, DESK_ROLES))


def grid_staff_regions(user: User) -> list[str]:
    """Paths of the regions where the user is a grid worker or grid leader."""
    return region_paths(user, GRID_STAFF_ROLES)


def is_grid_staff(user: User) -> bool:
    return bool(region_paths(user, GRID_STAFF_ROLES))


def is_desk_staff(user: User) -> bool:
    return bool(region_paths(user, DESK_ROLES))


def desk_regions(user: User) -> list[str]:
    """Paths of the regions whose orders the user's desk shows (for its region filters)."""
    return region_paths(user, DESK_ROLES)
