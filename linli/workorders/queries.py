"""Reads across work-order models: duplicates nearby, an order's timeline, what a responder
may claim."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Prefetch

from linli.accounts.models import Role, User
from linli.lib.geo import gcj02_to_wgs84, haversine_m
from linli.territory.permissions import role_assignments
from linli.workorders.models import (
    OPEN_STATES,
    Category,
    OrderEvent,
    OrderPhoto,
    OrderState,
    WorkOrder,
    WorkOrderQuerySet,
)

_M_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class NearbyOrder:
    order: WorkOrder
    distance_m: float


def nearby_open_orders(
    category: Category,
    lng: float,
    lat: float,
    radius_m: float = 200,
    *,
    crs: str = "wgs84",
    limit: int = 5,
) -> list[NearbyOrder]:
    """Open orders of the same category within `radius_m` of a point, nearest first: offered
    to a resident before submitting, so they can support one ("me too") instead."""
    if crs == "gcj02":
        lng, lat = gcj02_to_wgs84(lng, lat)
    dlat = radius_m / _M_PER_DEGREE
    dlng = radius_m / (_M_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    candidates = (
        WorkOrder.objects.filter(
            category=category,
            state__in=OPEN_STATES - {OrderState.HANDLED},
            lat__range=(lat - dlat, lat + dlat),
            lng__range=(lng - dlng, lng + dlng),
        )
        .select_related("category")
        .order_by("-created_at")[:200]
    )
    found = [
        NearbyOrder(order, round(haversine_m(lng, lat, order.lng, order.lat), 1))
        for order in candidates
    ]
    found = [n for n in found if n.distance_m <= radius_m]
    found.sort(key=lambda n: n.distance_m)
    return found[:limit]


def timeline(order: WorkOrder) -> list[OrderEvent]:
    """The order's events in order, with who acted and the photos of each step."""
    return list(
        order.events.select_related("actor")
        .prefetch_related(Prefetch("photos", queryset=OrderPhoto.objects.order_by("pk")))
        .order_by("seq")
    )


def claimable_orders(user: User) -> WorkOrderQuerySet:
    """Filed orders, open to claiming, of a category the user's responder kinds allow, in the
    regions where they are a responder."""
    responder = [a for a in role_assignments(user) if a.role == Role.RESPONDER]
    if not responder:
        return WorkOrder.objects.none()
    kinds = {a.responder_kind for a in responder}
    categories = [
        c.pk
        for c in Category.objects.filter(open_to_claiming=True, is_active=True)
        if any(c.allows_responder_kind(k) for k in kinds)
    ]
    return (
        WorkOrder.objects.filter(state=OrderState.FILED, category_id__in=categories)
        .in_region_paths([a.region.path for a in responder])
        .select_related("category", "grid")
    )
