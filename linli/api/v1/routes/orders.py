"""Work orders: create (JSON or multipart with photos, idempotent by client token), list
with filters and keyset pages, one order with its history, and dispatch recommendations.
Who sees what is `workorders.permissions`, as on the pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from linli.accounts.models import User
from linli.api.access.security import PERSON
from linli.api.v1 import present
from linli.api.v1.bodies import read_body
from linli.api.v1.errors import invalid
from linli.api.v1.openapi import body_doc
from linli.api.v1.pagination import Ordering, paginate
from linli.api.v1.routes.auth import person
from linli.api.v1.routes.common import Cursor, Limit, PathId
from linli.api.v1.schemas import MAX_ID, OrderIn, OrderOut, OrderPage, RecommendationOut
from linli.territory.models import Region, subtree_q
from linli.workorders.models import Action, Category, OrderState, Source
from linli.workorders.permissions import (
    get_order_for,
    is_grid_staff,
    organization_ids,
    relations,
    visible_orders,
)
from linli.workorders.queues import overdue_q
from linli.workorders.recommend import recommend_responders, recommend_units
from linli.workorders.services import create_order
from linli.workorders.services.desk import report_on_patrol
from linli.workorders.services.intake import order_for_token
from linli.workorders.workflow import TRANSITIONS

router = Router(tags=["orders"], auth=PERSON)

ORDERINGS = {
    "-created_at": Ordering("-created_at", [("created_at", "datetime"), ("pk", "int")], True),
    "created_at": Ordering("created_at", [("created_at", "datetime"), ("pk", "int")], False),
}


def detail(request: HttpRequest, user: User, pk: int) -> dict[str, Any]:
    return present.order_detail(get_order_for(user, pk), user, request)


def _problem(field: str, message: str) -> Exception:
    return invalid([{"field": field, "code": "invalid", "message": message}])


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut},
    summary="Report a problem or ask for help",
    openapi_extra=body_doc(OrderIn, photos=True),
)
def order_create(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    """Creates an order in the grid holding the point (source `app` unless said otherwise).
    With a `client_token`, a retry of the same request answers 200 with the order the first
    one made, never a second order."""
    user = person(request)
    data, photos = read_body(request, OrderIn, photos=True)
    category = Category.objects.filter(pk=data.category).first()
    if category is None:
        raise _problem(
            "category", _("Category: there is no category %(id)s.") % {"id": data.category}
        )
    token = data.client_token or None
    if done := order_for_token(user, token):
        return 200, detail(request, user, done.pk)
    if data.source == "patrol":
        if not is_grid_staff(user):
            raise _problem("source", _("Source: only grid workers report on patrol."))
        order = report_on_patrol(
            by=user, category=category, description=data.description, lng=data.lng,
            lat=data.lat, crs=data.crs, address=data.address, urgent=data.urgent, photos=photos,
            client_token=token,
        )  # fmt: skip
    else:
        order = create_order(
            source=data.source, reporter=user, category=category, description=data.description,
            lng=data.lng, lat=data.lat, crs=data.crs, address=data.address,
            name_public=data.name_public, urgent=data.urgent, photos=photos, client_token=token,
        )  # fmt: skip
    return 201, detail(request, user, order.pk)


class OrderFilters(Schema):
    region: str | None = Field(None, max_length=32, description="A division or grid code.")
    state: Literal[tuple(OrderState.values)] | None = None  # type: ignore[valid-type]
    category: int | None = Field(None, ge=1, le=MAX_ID, description="With its subclasses.")
    source: Literal[tuple(Source.values)] | None = None  # type: ignore[valid-type]
    start: date | None = Field(None, description="Reported on or after (local date).")
    end: date | None = Field(None, description="Reported on or before (local date).")
    overdue: bool | None = None
    mine: Literal["requested", "assigned", "supported"] | None = Field(
        None, description="Only orders you asked for, hold (or your unit holds), or joined."
    )
    ordering: Literal["-created_at", "created_at"] = "-created_at"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(user: User, f: OrderFilters) -> Any:
    orders = visible_orders(user)
    if f.region:
        region = Region.objects.filter(code=f.region).only("path").first()
        if region is None:
            raise _problem(
                "region", _("Region: no region has the code %(code)s.") % {"code": f.region}
            )
        orders = orders.filter(subtree_q([region.path], "region_path"))
    if f.state:
        orders = orders.filter(state=f.state)
    if f.category:
        c = f.category
        orders = orders.filter(
            Q(category_id=c) | Q(category__parent_id=c) | Q(category__parent__parent_id=c)
        )
    if f.source:
        orders = orders.filter(source=f.source)
    if f.start and f.end and f.start > f.end:
        raise _problem("start", _("Start date: it comes after the end date."))
    if f.start:
        orders = orders.filter(created_at__gte=_day_start(f.start))
    if f.end and f.end < date.max:
        orders = orders.filter(created_at__lt=_day_start(f.end + timedelta(days=1)))
    if f.overdue is not None:
        orders = orders.filter(overdue_q()) if f.overdue else orders.exclude(overdue_q())
    if f.mine == "requested":
        orders = orders.filter(requester=user)
    elif f.mine == "assigned":
        orders = orders.filter(Q(assignee=user) | Q(assignee_unit_id__in=organization_ids(user)))
    elif f.mine == "supported":
        orders = orders.filter(supports__user=user)
    return orders.with_details()


@router.get("/orders", response=OrderPage, summary="Orders you may see")
def order_list(
    request: HttpRequest,
    filters: Query[OrderFilters],
    cursor: Cursor = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Every order you may open (as on your pages), newest first, in pages of `limit`: pass
    `next_cursor` back as `cursor` for the next page."""
    user = person(request)
    ordering = ORDERINGS[filters.ordering]
    page = paginate(
        _filtered(user, filters),
        ordering,
        cursor=cursor,
        limit=limit,
        values=lambda o: [o.created_at, o.pk],
    )
    return {
        "items": [present.order_summary(o, user) for o in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/orders/{order_id}", response=OrderOut, summary="One order with its history")
def order_detail(request: HttpRequest, order_id: PathId) -> dict[str, Any]:
    return detail(request, person(request), order_id)


@router.get(
    "/orders/{order_id}/recommendations",
    response=list[RecommendationOut],
    summary="Whom to dispatch to",
)
def recommendations(
    request: HttpRequest,
    order_id: PathId,
    limit: Annotated[int, Query(8, ge=1, le=50)] = 8,
    units: Annotated[bool, Query(True, description="Include units.")] = True,
) -> list[dict[str, Any]]:
    """People (and units) you may dispatch the order to, best first, with the reasons for
    each rank — the dispatch page's list. Dispatch with `responder_id`, or with `unit_id`
    for those with is_unit."""
    user = person(request)
    order = get_order_for(user, order_id, write=True)
    if not relations(user, order) & TRANSITIONS[Action.DISPATCH].actors:
        raise Http404("No such work order")
    people = recommend_responders(order, limit=limit, by=user)
    if order.state == OrderState.RETURNED:
        # It came back from its assignee: offer someone else.
        people = [p for p in people if p.responder_id != order.assignee_id]
    found = people + (recommend_units(order, limit=max(1, limit // 2), by=user) if units else [])
    found.sort(key=lambda r: -r.score)
    return [present.recommendation(r) for r in found]
