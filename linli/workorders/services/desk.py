"""Steps of the grid worker's and dispatcher's pages that combine two services in one
transaction: a patrol report solved on the spot, and re-dispatching a returned order."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from linli.accounts.models import Organization, User
from linli.workorders.models import Category, OrderState, Source, WorkOrder
from linli.workorders.services.intake import create_order
from linli.workorders.services.lifecycle import approve_return, dispatch_order, resolve_on_spot
from linli.workorders.services.photos import PhotoInput
from linli.workorders.services.transitions import copy_back


def report_on_patrol(
    *,
    by: User,
    category: Category,
    description: str,
    lng: float,
    lat: float,
    crs: str = "wgs84",
    address: str = "",
    urgent: bool = False,
    photos: Sequence[PhotoInput] = (),
    resolved_note: str | None = None,
    client_token: str | None = None,
) -> WorkOrder:
    """巡查上报. With `resolved_note`, the grid worker solved it there and then (就地化解):
    the order is created and closed in one transaction, the photos kept as the evidence of
    that step."""
    with transaction.atomic():
        order = create_order(
            source=Source.PATROL,
            category=category,
            description=description,
            lng=lng,
            lat=lat,
            crs=crs,
            reporter=by,
            address=address,
            urgent=urgent,
            photos=() if resolved_note is not None else photos,
            client_token=client_token,
        )
        if resolved_note is not None and order.state in (OrderState.REPORTED, OrderState.FILED):
            order = resolve_on_spot(order=order, by=by, note=resolved_note, photos=photos)
    return order


def redispatch_order(
    *,
    order: WorkOrder,
    by: User,
    to_user: User | None = None,
    to_unit: Organization | None = None,
    note: str = "",
) -> WorkOrder:
    """Dispatch a filed order; a returned one has its return approved first, in the same
    transaction, so it never sits approved but undispatched because the second step failed."""
    with transaction.atomic():
        if order.state == OrderState.RETURNED:
            approve_return(order=order, by=by, note=note)
        done = dispatch_order(order=order, by=by, to_user=to_user, to_unit=to_unit, note=note)
    copy_back(done, order)
    return done
