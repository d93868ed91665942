"""Models as the API shows them. Masking and the timeline's names come from the same code
the order page uses (`workorders.views.orders.steps`, the order's masked properties);
nothing here decides who may see what."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from linli.accounts.models import Notification, User
from linli.territory.models import Region
from linli.workorders.models import OrderPhoto, Satisfaction, WorkOrder
from linli.workorders.permissions import allowed_actions
from linli.workorders.recommend import Recommendation
from linli.workorders.templatetags.order_tags import state_text, step_text
from linli.workorders.views.orders import steps

# The engine's satisfaction values in the API's words, and back.
SATISFACTION_FROM_API = {
    "satisfied": Satisfaction.SATISFIED,
    "fair": Satisfaction.FAIRLY,
    "dissatisfied": Satisfaction.DISSATISFIED,
}
SATISFACTION_TO_API = {engine.value: api for api, engine in SATISFACTION_FROM_API.items()}


def region_ref(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "level": region.level}


def region(region: Region, *, has_children: bool) -> dict[str, Any]:
    return {
        **region_ref(region),
        "level_label": str(Region.Level(region.level).label),
        "kind": region.kind,
        "parent": region.parent.code if region.parent_id and region.parent else None,
        "households": region.households,
        "population": region.population,
        "centroid_lng": region.centroid_lng,
        "centroid_lat": region.centroid_lat,
        "has_children": has_children,
    }


def _photo(request: HttpRequest, photo: OrderPhoto) -> dict[str, Any]:
    return {
        "url": request.build_absolute_uri(photo.image.url),
        "thumbnail_url": request.build_absolute_uri(photo.thumbnail.url),
        "width": photo.width,
        "height": photo.height,
        "content_type": photo.content_type,
    }


def _requester_name(order: WorkOrder, viewer: User) -> str:
    # As the order page: the requester sees their own name, everyone else the masked one.
    if order.requester_id is not None and order.requester_id == viewer.pk:
        return order.requester_name or (order.requester.name if order.requester else "")
    return order.requester_display_name


def order_summary(order: WorkOrder, viewer: User) -> dict[str, Any]:
    category = order.category
    return {
        "id": order.pk,
        "number": order.number,
        "state": order.state,
        "state_label": state_text(order.state),
        "source": order.source,
        "category": {
            "id": category.pk,
            "kind": category.kind,
            "code": category.code,
            "name": category.name,
        },
        "description": order.description,
        "address": order.address,
        "lng": order.lng,
        "lat": order.lat,
        "grid": region_ref(order.grid),
        "urgent": order.urgent,
        "overdue": order.overdue,
        "created_at": order.created_at,
        "deadline_at": order.deadline_at,
        "requester_name": _requester_name(order, viewer),
        "requester_phone": order.requester_phone_masked,
        "assignee": {"id": order.assignee.pk, "name": order.assignee.name}
        if order.assignee
        else None,
        "assignee_unit": {"id": order.assignee_unit.pk, "name": order.assignee_unit.name}
        if order.assignee_unit
        else None,
        "pending_request": order.pending_request,
        "supporters_count": order.supporters_count,
        "satisfaction": SATISFACTION_TO_API.get(order.satisfaction),
        "resolved": order.resolved,
    }


def order_detail(order: WorkOrder, viewer: User, request: HttpRequest) -> dict[str, Any]:
    events = []
    for step in reversed(steps(order, viewer)):  # the page shows newest first
        e = step.event
        events.append(
            {
                "seq": e.seq,
                "action": e.action,
                "action_label": step_text(e.action),
                "actor": step.who,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "at": e.at,
                "note": e.note,
                "detail": step.detail,
                "photos": [_photo(request, p) for p in e.photos.all()],
            }
        )
    return {
        **order_summary(order, viewer),
        "filed_at": order.filed_at,
        "dispatched_at": order.dispatched_at,
        "accepted_at": order.accepted_at,
        "handled_at": order.handled_at,
        "closed_at": order.closed_at,
        "rated_at": order.rated_at,
        "rating_comment": order.rating_comment,
        "rework_count": order.rework_count,
        "return_count": order.return_count,
        "extension_count": order.extension_count,
        "escalation_count": order.escalation_count,
        "remind_count": order.remind_count,
        "reopened": order.reopened,
        "resolved_on_spot": order.resolved_on_spot,
        "allowed_actions": [a.value for a in allowed_actions(viewer, order)],
        "events": events,
    }


def recommendation(r: Recommendation) -> dict[str, Any]:
    return {
        "responder_id": r.responder_id,
        "name": r.name,
        "kind": r.kind,
        "kind_label": r.kind_label,
        "score": r.score,
        "reasons": list(r.reasons),
        "is_unit": r.is_unit,
        "distance_m": r.distance_m,
        "open_orders": r.open_orders,
        "satisfaction_rate": r.satisfaction_rate,
    }


def notification(n: Notification, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": n.pk,
        "title": n.title,
        "body": n.body,
        "url": request.build_absolute_uri(n.url) if n.url else "",
        "kind": n.kind,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }
